// PainPro Portal: the worklist refreshes itself, and the worklist and alert pages take keyboard shortcuts.
// No framework; every page works without this script (the shortcuts only press buttons and follow links on the page).
(function () {
    "use strict";

    // Shortcuts never fire while someone types, nor with Ctrl, Alt or Meta (the browser's and screen readers' own keys).
    function typing(event) {
        var t = event.target;
        return event.ctrlKey || event.altKey || event.metaKey ||
            (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) && t.type !== "checkbox"));
    }

    function shortcut(key) { return document.querySelector('[data-shortcut="' + key + '"]'); }

    function press(element) {
        if (!element) return false;
        if (element.tagName === "SELECT" || element.tagName === "INPUT" && element.type !== "checkbox") { element.focus(); return true; }
        element.click();
        return true;
    }

    var region = document.getElementById("worklist");

    // The worklist's rows: the current one is the row holding the focus.
    function rows() { return region ? Array.prototype.slice.call(region.querySelectorAll("tr[data-alert-row]")) : []; }
    function currentRow() {
        var active = document.activeElement;
        return active && active.closest ? active.closest("tr[data-alert-row]") : null;
    }
    function focusRow(row) {
        var link = row && row.querySelector("[data-open-alert]");
        if (link) { link.focus(); row.scrollIntoView({ block: "nearest" }); }
    }
    function move(step) {
        var all = rows();
        if (all.length === 0) return;
        var index = all.indexOf(currentRow());
        focusRow(all[index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step))]);
    }

    document.addEventListener("keydown", function (event) {
        if (typing(event) || event.defaultPrevented) return;
        var key = event.key;
        var handled = false;
        if (region) {
            var row = currentRow();
            if (key === "j") { move(1); handled = true; }
            else if (key === "k") { move(-1); handled = true; }
            else if (key === "o" && row) { handled = press(row.querySelector("[data-open-alert]")); }
            else if (key === "a" && row) { handled = press(row.querySelector("[data-acknowledge]")); }
            else if (key === "m" && row) { handled = press(row.querySelector("[data-assign]")); }
            else if (key === "x" && row) {
                var box = row.querySelector('input[type="checkbox"]');
                if (box && !box.disabled) { box.checked = !box.checked; handled = true; }
            }
            else if (key === "A") { handled = press(shortcut("A")); }
        } else if (key === "a" || key === "n" || key === "u" || key === "r" || key === "m") {
            handled = press(shortcut(key));
        }
        if (handled) event.preventDefault();
    });

    if (!region) return;
    var url = region.getAttribute("data-refresh-url");
    var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 30;

    // Don't pull the list from under someone who is reading, tabbing through it or has ticked alerts.
    function inUse() {
        return document.hidden || region.contains(document.activeElement) || region.querySelector('input[name="Selected"]:checked');
    }

    function refresh() {
        if (inUse()) return;
        fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
            .then(function (response) {
                if (response.redirected || response.status === 401) { window.location.reload(); return null; }
                return response.ok ? response.text() : null;
            })
            .then(function (html) {
                // Asked again on arrival: a nurse who moved into the list while it was on its way keeps her place.
                if (html !== null && html !== undefined && !inUse()) region.innerHTML = html;
            })
            .catch(function () { /* offline for a moment: try again next tick */ });
    }

    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
