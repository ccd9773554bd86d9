"""Static dashboards: the heatmap of every module x prompt version, one page per module, and the comparison of two
runs that ``sheets-sync diff`` prints.

    build.py    the I/O edge: reads the index and the module files, writes the site
    views.py    what each page shows, as plain data (pure)
    chart.py    the module page's SVG history chart (pure geometry)
    compare.py  the comparison of two experiments, shared by the CLI and the pages (pure)
    serve.py    ``sheets-sync serve``: the site on localhost, rebuilt when the data changed
    browser.py  where the browser tests and the benchmark find headless Chromium, and its flags
"""
