// PainPro Portal: the worklist refreshes itself. No framework; the page works without this script.
(function () {
    "use strict";
    var region = document.getElementById("worklist");
    if (!region) return;
    var url = region.getAttribute("data-refresh-url");
    var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 30;

    function refresh() {
        // Don't pull the list from under someone who is reading or tabbing through it.
        if (document.hidden || region.contains(document.activeElement)) return;
        fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
            .then(function (response) {
                if (response.redirected || response.status === 401) { window.location.reload(); return null; }
                return response.ok ? response.text() : null;
            })
            .then(function (html) { if (html !== null && html !== undefined) region.innerHTML = html; })
            .catch(function () { /* offline for a moment: try again next tick */ });
    }

    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
