// Ume: the little JavaScript the server-rendered pages need.
document.addEventListener("submit", (event) => {
  // Confirmation before destructive actions: <form data-confirm="…">.
  const message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
