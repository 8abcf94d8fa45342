// Number formatting shared by the views (token counts, bytes, durations).
.pragma library

function count(n) {
    return Number(Math.round(n)).toLocaleString(Qt.locale("en_US"), "f", 0)
}

function compact(n) {
    if (n >= 1e9) return (n / 1e9).toFixed(n >= 1e10 ? 0 : 1) + " B"
    if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + " M"
    if (n >= 1e3) return (n / 1e3).toFixed(n >= 1e4 ? 0 : 1) + " k"
    return String(Math.round(n))
}

function bytes(n) {
    if (n >= 1024 * 1024 * 1024) return (n / (1024 * 1024 * 1024)).toFixed(1) + " GiB"
    if (n >= 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + " MiB"
    if (n >= 1024) return (n / 1024).toFixed(0) + " KiB"
    return n + " B"
}

function seconds(s) {
    if (s < 1) return "< 1 s"
    if (s < 60) return Math.round(s) + " s"
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s"
    return Math.floor(s / 3600) + " h " + Math.round((s % 3600) / 60) + " min"
}

function rate(r, unit) {
    if (unit === "MB/s") return r.toFixed(r >= 10 ? 0 : 1) + " MB/s"
    return compact(r) + " tok/s"
}

// For places that render text as rich text when it looks like HTML (tooltips): model output and
// file names must never become markup (no remote images), so '<' is replaced.
function plain(s) {
    return String(s).replace(/</g, "\u2039")
}
