// Upload progress: a form marked `data-upload-progress` and sent by htmx (hx-post with
// hx-encoding="multipart/form-data") shows how much of its file has gone up in its
// `.motcua-upload__progress` box. Without JavaScript the form posts as any form does.
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target instanceof Element && event.target.closest("[data-upload-progress]");
  const detail = event.detail;
  if (!form || !detail || !detail.lengthComputable || !detail.total) return;
  const box = form.querySelector(".motcua-upload__progress");
  const bar = box && box.querySelector("progress");
  if (!bar) return;
  box.hidden = false;
  bar.value = Math.max(Number(bar.value), Math.round((100 * detail.loaded) / detail.total));
});
