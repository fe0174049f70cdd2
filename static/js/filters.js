// Folds the job filters into their disclosure on narrow screens, so that the results
// come first. Without JavaScript the filters simply stay open.
(function () {
  "use strict";
  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia("(max-width: 47.99rem)").matches) {
    filters.open = false;
  }
})();
