// Ume: the little JavaScript the server-rendered pages need.
document.addEventListener("submit", (event) => {
  // Confirmation before destructive actions: <form data-confirm="…"> or on the submit button.
  const button = event.submitter;
  const message = (button && button.getAttribute("data-confirm"))
    || (event.target.getAttribute && event.target.getAttribute("data-confirm"));
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// Export links follow the filters currently chosen on the page (htmx updates the list, not
// the link): <a data-with-filters href="/x/export/?format=xlsx">.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-with-filters]");
  const form = document.querySelector("form.ume-filter");
  if (!link || !form) {
    return;
  }
  const url = new URL(link.href, window.location.href);
  for (const [key, value] of new FormData(form)) {
    if (value !== "" && key !== "page") {
      url.searchParams.set(key, value);
    }
  }
  link.href = url.toString();
}, true);

// "Tick all" boxes: <input type="checkbox" data-check-all> ticks the rows of its table.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches("[data-check-all]")) {
    return;
  }
  box.closest("table").querySelectorAll("tbody input[type=checkbox][name=rows]")
    .forEach((row) => { row.checked = box.checked; });
});

// "Cancel" on a form goes back to the page the user came from: <a data-history-back href="…">
// (the href is the fallback when there is no earlier page, e.g. a form opened in a new tab).
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-history-back]");
  if (!link || window.history.length < 2) {
    return;
  }
  event.preventDefault();
  window.history.back();
});

// Copy buttons: <button data-copy="text" data-copied="Copied"> puts the text on the clipboard
// and says so on the button for a moment.
document.addEventListener("click", async (event) => {
  const button = event.target.closest && event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  try {
    await navigator.clipboard.writeText(button.getAttribute("data-copy"));
  } catch {
    window.prompt("", button.getAttribute("data-copy"));  // no clipboard (plain http): show it
    return;
  }
  const label = button.innerHTML;
  button.textContent = button.getAttribute("data-copied");
  window.setTimeout(() => { button.innerHTML = label; }, 2000);
});
