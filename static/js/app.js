// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  // Forms that destroy or revoke something ask first (data-confirm holds the question).
  const form = event.target;
  const question = form.dataset && form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// A report file that was being prepared is ready (templates/reports/preparing.html): fetch it.
document.addEventListener("report-ready", (event) => {
  if (event.detail && event.detail.url) {
    window.location.assign(event.detail.url);
  }
});
