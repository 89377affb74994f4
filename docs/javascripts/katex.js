// Typesets every formula that pymdownx.arithmatex marked, with the KaTeX this site serves.
// A formula KaTeX cannot parse is logged with console.error and left as TeX.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      macros: { "\\argmax": "\\operatorname*{arg\\,max}", "\\argmin": "\\operatorname*{arg\\,min}" },
      throwOnError: true,
    });
  }
});
