// What Material's markup leaves out for keyboards and screen readers, on every page.
//
// - The search dialog gets a name: the one its input already has ("Search").
// - A table or display formula wider than the column scrolls inside a region a keyboard can
//   reach: tabindex="0", role="region" and a name. Whether it scrolls depends on the screen's
//   width, so this runs again when the window is resized.

function nameSearchDialog(body) {
  const dialog = body.querySelector(".md-search[role=dialog]");
  const input = body.querySelector(".md-search__input");
  if (dialog && input && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", input.getAttribute("aria-label") || "Search");
  }
}

// The text a reader sees in an element: without KaTeX's MathML copy of each formula.
function visibleText(element) {
  const copy = element.cloneNode(true);
  for (const hidden of copy.querySelectorAll(".katex-mathml")) hidden.remove();
  return copy.textContent.replace(/\s+/g, " ").trim();
}

// "Formula 3 (scrolls sideways)", "Table 2: θ, λ, log P(θ) (scrolls sideways)": numbered in
// the page's order, so that no two regions share a name.
function regionName(element, body) {
  if (element.matches(".arithmatex")) {
    const formulas = [...body.querySelectorAll(".md-typeset div.arithmatex")];
    return `Formula ${formulas.indexOf(element) + 1} (scrolls sideways)`;
  }
  const tables = [...body.querySelectorAll(".md-typeset__scrollwrap")];
  const table = element.querySelector("table");
  const headers = table ? [...table.querySelectorAll("thead th")].map(visibleText) : [];
  const columns = headers.filter(Boolean).join(", ");
  const number = tables.indexOf(element) + 1;
  return `Table ${number}${columns ? `: ${columns}` : ""} (scrolls sideways)`;
}

function labelScrollingRegions(body) {
  const scrollers = body.querySelectorAll(".md-typeset__scrollwrap, .md-typeset div.arithmatex");
  for (const element of scrollers) {
    const scrolls = element.scrollWidth > element.clientWidth + 1;
    if (scrolls && element.dataset.region !== "scrolls") {
      element.dataset.region = "scrolls";
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", regionName(element, body));
    } else if (!scrolls && element.dataset.region === "scrolls") {
      delete element.dataset.region;
      for (const name of ["tabindex", "role", "aria-label"]) element.removeAttribute(name);
    }
  }
}

document$.subscribe(({ body }) => {
  nameSearchDialog(body);
  // After KaTeX: a formula's width is known once it is typeset (katex.js runs first).
  requestAnimationFrame(() => labelScrollingRegions(body));
});

let resizing = null;
window.addEventListener("resize", () => {
  cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(() => labelScrollingRegions(document.body));
});
