/* An irreversible step (data-confirm on its form) asks before it posts: the dialog says what will happen;
   "OK" ticks the form's confirmation box and posts, "Cancel" posts nothing. Without this script the person
   ticks the box (the server refuses the step until it is ticked). */
(function () {
  "use strict";
  function box(form) { return form.querySelector('input[type=checkbox][name$="-confirm"]'); }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    var input = box(form);
    if (input && !form.querySelector(".has-error input[name$='-confirm']")) {
      var field = input.closest(".field");
      if (field) field.hidden = true;
    }
    form.addEventListener("submit", function (event) {
      var input = box(form);
      if (input && input.checked && !(input.closest(".field") || {}).hidden) return;
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
      if (input) input.checked = true;
    });
  });
})();
