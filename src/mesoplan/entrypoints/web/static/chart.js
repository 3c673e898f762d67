// mesoplan charts: small enhancements over links and forms that work without JavaScript.
(function () {
  "use strict";

  function toCm(svg, event) {
    var pt = svg.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var local = pt.matrixTransform(svg.getScreenCTM().inverse());
    var pad = parseFloat(svg.dataset.pad), scale = parseFloat(svg.dataset.scale);
    return {
      x: parseFloat(svg.dataset.minX) + (local.x - pad) / scale,
      y: parseFloat(svg.dataset.maxY) - (local.y - pad) / scale
    };
  }

  function toCmPoint(svg, px, py) {
    var pad = parseFloat(svg.dataset.pad), scale = parseFloat(svg.dataset.scale);
    return {
      x: parseFloat(svg.dataset.minX) + (px - pad) / scale,
      y: parseFloat(svg.dataset.maxY) - (py - pad) / scale
    };
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    // Zone picker: choosing a zone on an overview chart ticks its checkbox (without
    // JavaScript the zone's link reloads the form with the zone added or removed).
    var pick = target.closest("a.overview-target");
    var zone = pick && pick.querySelector("[data-zone]");
    if (zone) {
      var box = document.getElementById("zone-" + zone.getAttribute("data-zone"));
      if (box) { event.preventDefault(); box.checked = !box.checked; sync(); }
      return;
    }
    // Charting: a point opens its panel in place (HTMX); the link works without it.
    var link = target.closest("a.pt");
    var charting = target.closest("[data-point-target]");
    if (link && charting && window.htmx) {
      event.preventDefault();
      window.htmx.ajax("GET", link.getAttribute("href"), {
        target: charting.getAttribute("data-point-target"), swap: "innerHTML"
      }).then(function () {
        var first = document.querySelector("#point-panel input[name=status]:checked");
        if (first) first.focus();
      });
      return;
    }
    if (link) return;
    var svg = target.closest("svg.chart[data-zone]");
    // Plan page, dense zone drawn as a picture: a click on a point removes it.
    var mark = target.closest(".pt-mark");
    var planHost = svg && svg.closest("[data-add-form]");
    if (mark && planHost && mark.tagName === "circle") {
      var planForm = document.getElementById(planHost.getAttribute("data-add-form"));
      var at = toCmPoint(svg, parseFloat(mark.getAttribute("cx")), parseFloat(mark.getAttribute("cy")));
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "remove";
      input.value = svg.dataset.zone + ":" + at.x.toFixed(3) + ":" + at.y.toFixed(3);
      planForm.appendChild(input);
      planForm.requestSubmit();
      return;
    }
    // Charting: with a point open, a click on the map is where it was moved to.
    if (svg && charting) {
      var mx = document.getElementById("mark-x"), my = document.getElementById("mark-y");
      var area = document.getElementById("area-x");
      if (!(mx && my) && area && area.closest("details").open) {
        var c = toCm(svg, event);
        area.value = c.x.toFixed(2);
        document.getElementById("area-y").value = c.y.toFixed(2);
        document.getElementById("area-zone").value = svg.dataset.zone;
        return;
      }
      if (mx && my) {
        var at = toCm(svg, event);
        mx.value = at.x.toFixed(2); my.value = at.y.toFixed(2);
        var moved = document.getElementById("mark-moved");
        if (moved) moved.checked = true;
      }
      return;
    }
    // Plan page: clicking an empty spot of a zone adds a point there.
    var host = svg && svg.closest("[data-add-form]");
    if (!svg || !host) return;
    var form = document.getElementById(host.getAttribute("data-add-form"));
    if (!form) return;
    var cm = toCm(svg, event);
    form.querySelector("[name=add_zone]").value = svg.dataset.zone;
    form.querySelector("[name=add_x]").value = cm.x.toFixed(2);
    form.querySelector("[name=add_y]").value = cm.y.toFixed(2);
    form.requestSubmit();
  });

  function sync() {
    document.querySelectorAll(".picker-zone .overview-zone").forEach(function (shape) {
      var box = document.getElementById("zone-" + shape.getAttribute("data-zone"));
      var on = !!(box && box.checked);
      shape.classList.toggle("on", on);
      shape.setAttribute("fill", on ? "#9cc0e8" : "#fbeee6");
    });
  }
  document.addEventListener("change", sync);
  document.addEventListener("DOMContentLoaded", sync);
})();
