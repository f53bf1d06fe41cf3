// The slip's print buttons: A5 (the default page size) or A4.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (!button) return;
  document.body.classList.toggle("a4", button.getAttribute("data-print") === "a4");
  window.print();
});
