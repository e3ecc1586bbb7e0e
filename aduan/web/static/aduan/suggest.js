// The report form suggests a category as the citizen writes: after a pause in
// typing, the title and text so far go to the portal's suggestion endpoint, and a
// category the text points to (other than the one chosen) is offered with a button
// that takes it. Nothing changes unless the citizen presses it. Without this script
// the form works as before, with the category chosen in the first step.
(function () {
  "use strict";
  var box = document.getElementById("category-suggestion");
  if (!box || !window.fetch || !window.FormData) {
    return;
  }
  var form = box.closest("form");
  var chosen = form && form.querySelector('input[type="hidden"][name="category"]');
  var title = form && form.querySelector('[name="title"]');
  var body = form && form.querySelector('[name="body"]');
  var token = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
  var shown = document.getElementById("chosen-category");
  if (!chosen || !title || !body || !token) {
    return;
  }
  var url = box.getAttribute("data-suggest-url");
  var timer = null;
  var asked = "";

  function hide() {
    box.hidden = true;
    box.textContent = "";
  }

  function offer(item) {
    box.textContent = "";
    var line = document.createElement("p");
    line.appendChild(document.createTextNode(box.getAttribute("data-text-hint") + " "));
    var name = document.createElement("strong");
    name.textContent = item.group ? item.name + " (" + item.group + ")" : item.name;
    line.appendChild(name);
    line.appendChild(document.createTextNode(" — " + item.percent + "%"));
    var use = document.createElement("button");
    use.type = "button";
    use.className = "secondary";
    use.textContent = box.getAttribute("data-text-use");
    use.addEventListener("click", function () {
      chosen.value = item.category;
      if (shown) {
        shown.textContent = item.name;
      }
      box.textContent = "";
      var done = document.createElement("p");
      done.textContent = box.getAttribute("data-text-used") + " " + item.name;
      box.appendChild(done);
    });
    box.appendChild(line);
    box.appendChild(use);
    box.hidden = false;
  }

  function ask() {
    var text = title.value + "\n" + body.value;
    if (text.trim().length < 12 || text === asked) {
      return;
    }
    asked = text;
    var data = new FormData();
    data.append("title", title.value);
    data.append("body", body.value);
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value, Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (answer) {
        var first = answer.suggestions && answer.suggestions[0];
        if (first && first.category !== chosen.value) {
          offer(first);
        } else if (!first || first.category === chosen.value) {
          hide();
        }
      })
      .catch(function () {
        // No suggestion is no loss: the citizen's own choice stands.
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 800);
  }

  title.addEventListener("input", later);
  body.addEventListener("input", later);
})();
