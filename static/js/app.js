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
