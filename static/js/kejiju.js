/* What the pages ask for through data-* attributes. The Content-Security-Policy refuses inline
 * scripts and on…= handler attributes, so templates never carry them:
 *
 *   <form data-confirm="确认提交？">          asks before the form is submitted;
 *   <button data-confirm="确认删除？">        asks before the click does anything
 *                                            (also <a> and <input>);
 *   <select data-autosubmit>                 submits its form when the value changes.
 *
 * The listeners sit on the document, so content htmx swaps in is covered without more work.
 * They listen in the capture phase: a declined confirmation stops the event before anything
 * else (htmx included) acts on it.
 */
(function () {
  "use strict";

  function declined(element) {
    var question = element.getAttribute("data-confirm");
    return question !== null && !window.confirm(question);
  }

  function stop(event) {
    event.preventDefault();
    event.stopPropagation();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && declined(form)) stop(event);
  }, true);

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    var control = event.target.closest("button[data-confirm], input[data-confirm], a[data-confirm]");
    if (control && declined(control)) stop(event);
  }, true);

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  /* Tables keep dates, numbers and short labels on one line (a cell of up to 12 characters
   * gets kj-nowrap) and scroll sideways inside a wrapper instead of breaking them; a table
   * not yet in a .table-responsive wrapper gets one. Run on load and on every htmx swap. */
  var SHORT = 12;
  function tidyTables(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("table.table").forEach(function (table) {
      var wrap = table.closest(".table-responsive, .kj-table-wrap");
      if (!wrap) {
        wrap = document.createElement("div");
        wrap.className = "kj-table-wrap";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      // a region that scrolls sideways must be reachable by keyboard (arrow keys scroll it)
      if (!wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "表格（可左右滚动）");
      }
      table.querySelectorAll("td, th").forEach(function (cell) {
        if (cell.textContent.trim().length <= SHORT) cell.classList.add("kj-nowrap");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tidyTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) { tidyTables(event.target); });
})();
