// The place search of the verification form: typing three letters or more of a
// village's, district's or regency's name fills the field's datalist from the back
// office's place search. Without this script a region code, or a name only one
// region bears, is typed instead.
(function () {
  "use strict";
  var input = document.querySelector("input[data-place-search]");
  var list = document.getElementById("place-options");
  if (!input || !list || !window.fetch || !input.getAttribute("data-place-search")) {
    return;
  }
  var url = input.getAttribute("data-place-search");
  var timer = null;
  var asked = "";

  function show(results) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    results.forEach(function (place) {
      var option = document.createElement("option");
      option.value = place.value;
      option.textContent = place.label;
      list.appendChild(option);
    });
  }

  function search() {
    var text = input.value.trim();
    // A choice already made (it starts with its code) needs no search.
    if (text.length < 3 || /^\d{2}(\.|\s|$)/.test(text) || text === asked) {
      return;
    }
    asked = text;
    fetch(url + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        if (input.value.trim() === text) {
          show(answer.results);
        }
      })
      .catch(function () {
        asked = "";
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
})();
