"""The course as an nbgrader course: generated notebooks, and what their test cells run.

`mapcourse nbgrader DIR` writes `DIR/nbgrader_config.py` and one assignment per stage,
`DIR/source/<stage>/<stage>.ipynb`, from the same single source as everything else:
the reference solutions (answer cells, given code, hints), the hidden suites (test
cells, points) and course.toml (titles, derivations and their points).

- `solution`: a solution file split into docstring, given code and exercises;
- `suites`: a hidden suite cut into test groups, each with the module code it needs;
- `notebook`: one stage's source notebook (cells, ids, nbgrader metadata);
- `config`, `course`: nbgrader_config.py and the whole folder, with a staleness check;
- `cells`: the runtime the hidden test cells import (`run_group`).
"""
