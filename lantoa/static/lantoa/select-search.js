// A search box in front of every <select data-searchable>: typing filters the options by
// their text, diacritics and case ignored (đ matches d). Without JavaScript the plain list
// stays usable.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.placeholder = select.getAttribute("data-searchable") || "";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options).map(function (o) {
      return { option: o, text: fold(o.text) };
    });
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (item) {
        var keep = !item.option.value || item.option.selected ||
          words.every(function (w) { return item.text.indexOf(w) !== -1; });
        item.option.hidden = !keep;
        if (keep && item.option.value) { shown += 1; }
      });
      select.setAttribute("data-shown", String(shown));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-searchable]").forEach(attach);
  });
})();
