// GraphiQL on /graphql/ (DEBUG only). The session cookie is honoured only with the CSRF token, sent here.
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({
    url: window.location.pathname,
    headers: { "X-CSRFToken": root.getAttribute("data-csrf-token") },
  });
  var defaultQuery =
    "query ProductList {\n" +
    '  products(first: 12, channel: "default-channel") {\n' +
    "    totalCount\n" +
    "    edges { node { name slug ocop { stars status } producer { name province } " +
    "pricing { priceRange { start { gross { amount currency } } } } } }\n" +
    "  }\n" +
    "}\n";
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery, shouldPersistHeaders: false })
  );
})();
