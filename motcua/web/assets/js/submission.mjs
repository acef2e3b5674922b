// The online submission's pages (motcua/portal/templates/portal/submission/): the commune
// picker reloads the communes of the chosen province, a component's files upload as soon as
// they are chosen with their progress shown, and the receipt prints. Every page works without
// this script: the picker and the uploads have buttons that post the form.
import { initAll } from "./govuk-frontend.min.js";

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

// --- uploads with progress -----------------------------------------------------------------

const uploadForm = document.querySelector("form[data-upload-form]");
if (uploadForm instanceof HTMLFormElement) {
  document.body.classList.add("motcua-uploads-live");
  uploadForm.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.dataset.uploadSlot
        && input.files && input.files.length) {
      upload(uploadForm, input);
    }
  });
}

function upload(form, input) {
  const key = input.dataset.uploadSlot;
  const slot = document.getElementById(`slot-${key}`);
  if (!slot) return;
  const data = new FormData();
  data.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
  data.append("action", "upload");
  data.append("slot", key);
  const source = form.querySelector(`input[name="source-${key}"]:checked`);
  if (source instanceof HTMLInputElement) data.append(source.name, source.value);
  for (const file of input.files) data.append(input.name, file);

  const status = document.createElement("div");
  status.className = "motcua-upload__progress";
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.id = `progress-${key}`;
  const text = document.createElement("span");
  text.setAttribute("role", "status");
  status.append(bar, text);
  bar.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
  input.insertAdjacentElement("afterend", status);
  const say = (percent) => {
    bar.value = percent;
    text.textContent = (form.dataset.uploading || "%(percent)s%").replace("%(percent)s", String(percent));
  };
  say(0);
  input.disabled = true;

  const request = new XMLHttpRequest();
  // not form.action: the form has controls named "action", which that property returns
  request.open("POST", form.getAttribute("action") || window.location.href);
  request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) say(Math.round((event.loaded * 100) / event.total));
  });
  const failed = () => {
    input.disabled = false;
    bar.remove();
    text.textContent = form.dataset.uploadFailed || "";
  };
  request.addEventListener("load", () => {
    if (request.status !== 200) {
      failed();
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = request.responseText.trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) {
      failed();
      return;
    }
    slot.replaceWith(fresh);
    initAll({ scope: fresh });
    syncReveals(fresh);
    // a refused file: its message (next to the field) is read out; else on to the next file
    const refused = fresh.querySelector(".govuk-error-message");
    const next = refused || fresh.querySelector("input[type=file]");
    if (next instanceof HTMLElement) {
      if (refused) next.setAttribute("tabindex", "-1");
      next.focus();
    }
  });
  request.addEventListener("error", failed);
  request.send(data);
}

// --- print ---------------------------------------------------------------------------------

for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
