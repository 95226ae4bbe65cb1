// Impact: buttons that print the page (a participation record, the annual report).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
