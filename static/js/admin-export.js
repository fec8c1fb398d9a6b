/* django-import-export's export page (templates/admin/import_export/export.html): the "select
 * all" checkbox calls the package's own onSelectToggleChange (import_export/
 * export_selectable_fields.js), attached here instead of by an inline onchange handler, which the
 * Content-Security-Policy refuses. */
document.addEventListener("change", function (event) {
  "use strict";
  if (event.target instanceof Element && event.target.matches("input.select-toggle")) {
    onSelectToggleChange(event);
  }
});
