// Mouwakaba: the little JavaScript the pages share. Everything works without it.
document.addEventListener("change", (event) => {
  // A select marked data-autosubmit saves as soon as it changes.
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.requestSubmit();
  }
});
