// Refresh the microphone level and last-heard time; the page works without this script.
(function () {
  "use strict";
  var level = document.getElementById("status-level");
  var heard = document.getElementById("status-last-heard");
  if (!level || !heard || !window.fetch) { return; }
  function refresh() {
    fetch("status.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.level !== null && level.tagName === "METER") { level.value = data.level; }
        if (data.last_heard) { heard.textContent = data.last_heard.slice(11, 19); }
      })
      .catch(function () {});
  }
  setInterval(refresh, 2000);
})();
