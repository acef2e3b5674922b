// Builds the web pages' static files into motcua/web/static/web/build/ (git-ignored; `make deps`
// runs it when an input changed, after `npm ci`):
//   motcua.css            GOV.UK Frontend, rebranded for the province (motcua/web/assets/scss/)
//   govuk-frontend.min.js GOV.UK Frontend's components (an ES module), copied
//   htmx.min.js           htmx, copied
//   chart.umd.min.js      chart.js (the leaders' dashboard's charts), copied
//   motcua.mjs            our start-up script (motcua/web/assets/js/), copied, and our other
//                         modules there (dashboard.mjs: the dashboard's charts)
// Nothing is loaded from a CDN: the pages link these files only. axe-core (devDependency) is
// not copied: the browser tests inject it from node_modules.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const assets = join(root, "motcua/web/assets");
const out = join(root, "motcua/web/static/web/build");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(assets, "scss/motcua.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "motcua.css"), css.css);

const copies = {
  "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js": "govuk-frontend.min.js",
  "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
  "node_modules/chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
};
for (const name of readdirSync(join(assets, "js"))) {
  copies[`motcua/web/assets/js/${name}`] = name;
}
for (const [from, to] of Object.entries(copies)) {
  copyFileSync(join(root, from), join(out, to));
}
console.log(`front-end built into ${out.slice(root.length + 1)}: motcua.css (${css.css.length} bytes), ${Object.values(copies).join(", ")}`);
