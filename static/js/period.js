// The period chooser (templates/core/_period_fields.html): show only the inputs of the chosen kind of period
// (without script every input shows, with the hint under them).
(function () {
  document.querySelectorAll("select[data-period-kind]").forEach(function (kind) {
    var form = kind.form;
    function show() {
      form.querySelectorAll(".period-fields [data-for]").forEach(function (el) {
        el.style.display = el.getAttribute("data-for").split(" ").indexOf(kind.value) < 0 ? "none" : "";
      });
      var help = form.querySelector(".period-help");
      if (help) help.style.display = "none";
    }
    kind.addEventListener("change", show);
    show();
  });
})();
