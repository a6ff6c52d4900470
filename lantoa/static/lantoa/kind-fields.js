// Fields that belong to some kinds of content only (data-kinds="livestream,video" on the
// input): their row is hidden while another kind is chosen, so a news form shows no
// livestream fields. Without JavaScript every field stays visible.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.querySelector("select[name=kind]");
    if (!kind) { return; }
    var fields = Array.prototype.slice.call(document.querySelectorAll("[data-kinds]"));
    function update() {
      fields.forEach(function (field) {
        var row = field.closest(".form-row") || field.parentNode;
        var kinds = field.getAttribute("data-kinds").split(",");
        var shown = kinds.indexOf(kind.value) !== -1 || field.value !== "";
        row.hidden = !shown;
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();
