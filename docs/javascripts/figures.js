// A figure opens full screen (glightbox) in the drawing the page shows at this width: the
// phone's stacked drawing below 600 px, the desktop's otherwise. Each figure is a
// <picture> whose <source media=...> names the phone's drawing; the lightbox's link is
// pointed at the drawing that matches, now and whenever the width crosses the threshold.

function shownDrawing(picture) {
  for (const source of picture.querySelectorAll("source[media]")) {
    if (window.matchMedia(source.media).matches) return source.getAttribute("srcset");
  }
  return picture.querySelector("img").getAttribute("src");
}

function pointLightboxes() {
  let changed = false;
  for (const link of document.querySelectorAll("figure a.glightbox")) {
    const picture = link.querySelector("picture");
    if (!picture) continue;
    const drawing = shownDrawing(picture);
    if (link.getAttribute("href") !== drawing) {
      link.setAttribute("href", drawing);
      changed = true;
    }
  }
  // glightbox reads the links when it starts (after this script) and again on reload().
  if (changed && typeof lightbox !== "undefined") lightbox.reload();
}

// In a block of its own: the page's other scripts share the global scope.
{
  pointLightboxes();
  const queries = new Set(
    [...document.querySelectorAll("figure a.glightbox source[media]")].map((s) => s.media),
  );
  for (const query of queries) {
    window.matchMedia(query).addEventListener("change", pointLightboxes);
  }
}
