// The online submission's pages (motcua/portal/templates/portal/submission/): the commune
// picker reloads the communes of the chosen province, radio answers reveal their questions,
// a component's Upload button gives way to htmx's upload, and the receipt prints. Every page
// works without this script: the picker and the uploads have buttons that post the form.

// --- radios that reveal more questions ----------------------------------------------------

// GOV.UK Frontend's own reveal marks each radio aria-expanded, which a radio may not carry
// (axe: aria-allowed-attr): the same reveal, without it. A radio with data-reveals="id" shows
// that part while it is checked; without this script every part shows.
function syncReveals(scope) {
  for (const radio of scope.querySelectorAll("input[type=radio][data-reveals]")) {
    const part = document.getElementById(radio.dataset.reveals);
    if (part) part.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
  }
}
syncReveals(document);
document.addEventListener("change", (event) => {
  const radio = event.target;
  if (radio instanceof HTMLInputElement && radio.type === "radio" && radio.form) {
    syncReveals(radio.form);
  }
});
window.addEventListener("pageshow", () => syncReveals(document));

// --- the commune picker --------------------------------------------------------------------

// The no-script button would be the default of Enter in the form: gone with the script.
for (const button of document.querySelectorAll(".motcua-commune__refresh")) button.remove();

document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.dataset.communesUrl) return;
  const target = document.getElementById(select.dataset.communesTarget || "");
  if (!(target instanceof HTMLSelectElement)) return;
  const url = new URL(select.dataset.communesUrl, window.location.href);
  url.searchParams.set("province", select.value);
  target.disabled = true;
  fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" } })
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((options) => { target.innerHTML = options; })
    .catch(() => {})
    .finally(() => { target.disabled = false; });
});

// --- uploads --------------------------------------------------------------------------------

// A component's files go up as soon as they are chosen (htmx, on the file field; their progress:
// upload-progress.mjs): its Upload button, for pages without scripts, is not needed then.
if (window.htmx && document.querySelector("form[data-upload-form]")) {
  document.body.classList.add("motcua-slot-uploads-live");
}
// A component sent back by the server: its radios reveal their part, and a refused file's
// message (next to the field) is read out.
document.addEventListener("htmx:afterSettle", (event) => {
  const slot = event.detail && event.detail.elt;
  if (!(slot instanceof Element) || !slot.classList.contains("motcua-slot")) return;
  syncReveals(slot);
  const refused = slot.querySelector(".govuk-error-message");
  if (refused instanceof HTMLElement) {
    refused.setAttribute("tabindex", "-1");
    refused.focus();
  }
});

// --- print ---------------------------------------------------------------------------------

for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
