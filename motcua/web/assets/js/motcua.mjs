// Starts GOV.UK Frontend's components (menu toggle, error summary focus, buttons that refuse a
// double click). A file, not an inline script: the Content-Security-Policy allows only scripts
// from this site. The `govuk-frontend-supported` class tells the components' styles that their
// script runs (a browser that runs this module supports them).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Content that htmx swaps in gets its components started too.
document.addEventListener("htmx:afterSettle", (event) => {
  const scope = event.detail && event.detail.elt;
  if (scope instanceof Element && scope !== document.body) {
    initAll({ scope });
  }
});

// A search sent by htmx leaves out its empty fields, so that the address it pushes reads well
// (/?q=khai+sinh rather than /?q=khai+sinh&sector=&agency=&level=).
document.addEventListener("htmx:configRequest", (event) => {
  const data = event.detail && event.detail.formData;
  if (event.detail.verb !== "get" || !(data instanceof FormData)) return;
  for (const [name, value] of [...data.entries()]) {
    if (value === "") data.delete(name);
  }
});
