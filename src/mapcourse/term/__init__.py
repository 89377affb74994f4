"""A course taught over a term: assignments, their dates and late policies, submission
times, extensions, written points and the grading runs kept one beside the other.

`course.toml` names the assignments (`[[assignments]]`, read by `mapcourse.manifest`);
`mapcourse grade --assignment NAME` grades only an assignment's stages, and every output
covers exactly that assignment. Modules:

- `policy`: an assignment, its late policy, and what lateness takes from a score.
- `times`: when each submission was handed in (Gradescope, nbgrader, Git, a CSV).
- `extensions`: per-student due dates from a CSV.
- `written`: the derivations' points and comments from a CSV.
- `standing`: one submission's place in an assignment: autograded, written, late, total.
- `runs`: run folders, each written once, a new one beside the old.
"""
