// The region picker without round trips: choosing a province, regency/city or
// district fills the next list from the regions API. Without this script (or when
// the API cannot be reached) the "Pilih" buttons re-render the form instead.
(function () {
  "use strict";
  var form = document.querySelector("form[data-region-api]");
  if (!form || !window.fetch) {
    return;
  }
  var api = form.getAttribute("data-region-api");
  var levels = ["province", "regency", "district", "village"];
  var selects = levels.map(function (level) {
    return form.querySelector('select[data-level="' + level + '"]');
  });

  function clear(select) {
    while (select.options.length > 1) {
      select.remove(1);
    }
    select.value = "";
    select.disabled = true;
  }

  function fetchAll(url, items) {
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (page) {
        var all = items.concat(page.items);
        if (!page.next_cursor) {
          return all;
        }
        var base = url.split("&cursor=")[0];
        return fetchAll(base + "&cursor=" + encodeURIComponent(page.next_cursor), all);
      });
  }

  function fallBack() {
    // Show the buttons again: the form still works by submitting it.
    form.classList.remove("js-cascade");
  }

  selects.forEach(function (select, index) {
    var child = selects[index + 1];
    if (!select || !child) {
      return;
    }
    select.addEventListener("change", function () {
      for (var i = index + 1; i < selects.length; i += 1) {
        if (selects[i]) {
          clear(selects[i]);
        }
      }
      if (!select.value) {
        return;
      }
      child.setAttribute("aria-busy", "true");
      var url = api + "?parent=" + encodeURIComponent(select.value) + "&page_size=200";
      fetchAll(url, [])
        .then(function (regions) {
          regions.forEach(function (region) {
            child.add(new Option(region.name, region.code));
          });
          child.disabled = regions.length === 0;
        })
        .catch(fallBack)
        .then(function () {
          child.removeAttribute("aria-busy");
        });
    });
  });
  form.classList.add("js-cascade");
})();
