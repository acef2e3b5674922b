// The counter reception's keyboard and upload helpers (workspace/counter.html). A module file:
// the Content-Security-Policy allows no inline script. Without it the page still works: the
// searches are plain forms, the intake form a plain multipart POST.

// Arrow keys: from a search field down into its matches (data-suggestions names the list),
// and up and down among them; up from the first match goes back to the field.
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const here = event.target;
  if (!(here instanceof HTMLElement)) return;
  const listId = here.dataset.suggestions;
  const list = listId ? document.getElementById(listId) : here.closest(".motcua-suggestions");
  if (!list) return;
  const links = [...list.querySelectorAll("[data-suggestion]")];
  if (!links.length) return;
  const at = links.indexOf(here);
  let next = null;
  if (listId) {
    next = event.key === "ArrowDown" ? links[0] : null;
  } else if (event.key === "ArrowDown") {
    next = links[Math.min(at + 1, links.length - 1)];
  } else if (at > 0) {
    next = links[at - 1];
  } else {
    next = document.querySelector(`[data-suggestions="${list.id}"]`);
  }
  if (next) {
    event.preventDefault();
    next.focus();
  }
});

// Upload progress of a form that htmx sends (data-upload-progress names the box with the
// <progress>): shown while the request goes, with the share of the bytes sent.
function progressBox(event) {
  const form = event.target instanceof Element && event.target.closest("form[data-upload-progress]");
  return form ? document.getElementById(form.dataset.uploadProgress) : null;
}

document.addEventListener("htmx:xhr:loadstart", (event) => {
  const box = progressBox(event);
  if (!box || !event.target.querySelector('input[type="file"]')) return;
  const hasFiles = [...event.target.querySelectorAll('input[type="file"]')]
    .some((input) => input.files && input.files.length);
  box.hidden = !hasFiles;
});

document.addEventListener("htmx:xhr:progress", (event) => {
  const box = progressBox(event);
  const detail = event.detail;
  if (!box || box.hidden || !detail || !detail.lengthComputable || !detail.total) return;
  const share = Math.round((100 * detail.loaded) / detail.total);
  box.querySelector("progress").value = share;
  box.querySelector("[data-progress-text]").textContent = `${share} %`;
});
