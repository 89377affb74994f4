"""What the instructor sees after grading a class: `report.html` in `--out DIR`.

`saved` keeps a run's results in `class.json` so the page can be rebuilt without grading
again; `summary` turns results into the page's facts (distributions, the test groups the
class missed, problems, the slowest submissions); `similarity` finds submissions whose
stage files are suspiciously alike; `plots` draws the figures as inline SVG; `page`
writes the single self-contained HTML file.
"""
