/* The declaration form asks only for the figures of the kind of event chosen (wedding cars for a wedding, coffin
   bearers for a funeral); without JavaScript every figure is shown and the server keeps those of the kind. */
(function () {
  var form = document.getElementById("declare");
  if (!form) return;
  function update() {
    var chosen = form.querySelector("input[name=kind]:checked");
    form.querySelectorAll("[data-kinds]").forEach(function (input) {
      var box = input.closest(".field");
      var show = !chosen || input.getAttribute("data-kinds").split(" ").indexOf(chosen.value) >= 0;
      if (box) box.hidden = !show;
    });
  }
  form.addEventListener("change", update);
  update();
})();
