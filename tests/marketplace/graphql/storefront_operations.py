"""The classic Saleor storefront's operations (saleor/storefront src/graphql/*.graphql), verbatim in
their field selection, so a client written for Saleor works against this API."""

PRODUCT_LIST_ITEM = """
fragment ProductListItem on Product {
  id
  name
  slug
  pricing {
    onSale
    priceRange {
      start { gross { amount currency } }
      stop { gross { amount currency } }
    }
    priceRangeUndiscounted {
      start { gross { amount currency } }
      stop { gross { amount currency } }
    }
  }
  category { id name }
  thumbnail(size: 1024, format: WEBP) { url alt }
  media { url(size: 512, format: WEBP) alt type }
}
"""

PRODUCT_FRAGMENT = """
fragment Product on Product {
  id
  name
  thumbnail { url }
  category { id name }
  pricing { priceRange { start { gross { amount } } } }
}
"""

VARIANT_DETAILS = """
fragment VariantDetails on ProductVariant {
  id
  name
  quantityAvailable
  attributes(variantSelection: ALL) {
    values { name value }
    attribute { name slug }
  }
  media { url(size: 1024, format: WEBP) alt }
  pricing { price { gross { currency amount } } }
}
"""

PRODUCT_LIST = (
    """
query ProductList {
  products(first: 12, channel: "default-channel") {
    edges { node { ...Product } }
  }
}
"""
    + PRODUCT_FRAGMENT
)

PRODUCT_LIST_PAGINATED = (
    """
query ProductListPaginated($first: Int, $last: Int, $after: String, $before: String, $channel: String!) {
  products(first: $first, last: $last, after: $after, before: $before, channel: $channel) {
    totalCount
    edges { node { ...ProductListItem } cursor }
    pageInfo { endCursor hasNextPage startCursor hasPreviousPage }
  }
}
"""
    + PRODUCT_LIST_ITEM
)

PRODUCT_LIST_BY_CATEGORY = (
    """
query ProductListByCategory($slug: String!) {
  category(slug: $slug) {
    name
    products(first: 100, channel: "default-channel") {
      edges { node { ...Product } }
    }
  }
}
"""
    + PRODUCT_FRAGMENT
)

PRODUCT_LIST_BY_COLLECTION = (
    """
query ProductListByCollection($slug: String!) {
  collection(slug: $slug, channel: "default-channel") {
    name
    description
    seoDescription
    seoTitle
    products(first: 100) {
      edges { node { ...ProductListItem } }
    }
  }
}
"""
    + PRODUCT_LIST_ITEM
)

PRODUCT_DETAILS = (
    """
query ProductDetails($slug: String!) {
  product(slug: $slug, channel: "default-channel") {
    id
    name
    slug
    description
    seoTitle
    seoDescription
    thumbnail(size: 1024, format: WEBP) { url alt }
    category { id name }
    variants { ...VariantDetails }
  }
}
"""
    + VARIANT_DETAILS
)

SEARCH_PRODUCTS = (
    """
query SearchProducts(
  $search: String!
  $sortBy: ProductOrderField!
  $sortDirection: OrderDirection!
  $first: Int!
  $after: String
  $channel: String!
) {
  products(
    first: $first
    after: $after
    channel: $channel
    sortBy: { field: $sortBy, direction: $sortDirection }
    filter: { search: $search }
  ) {
    totalCount
    edges { node { ...ProductListItem } cursor }
    pageInfo { endCursor hasNextPage startCursor hasPreviousPage }
  }
}
"""
    + PRODUCT_LIST_ITEM
)

CHECKOUT_CREATE = """
mutation CheckoutCreate {
  checkoutCreate(input: { channel: "default-channel", lines: [] }) {
    checkout { id }
    errors { field code }
  }
}
"""

CHECKOUT_ADD_LINE = """
mutation CheckoutAddLine($id: ID!, $productVariantId: ID!) {
  checkoutLinesAdd(id: $id, lines: [{ quantity: 1, variantId: $productVariantId }]) {
    checkout {
      id
      lines { id quantity variant { name product { name } } }
    }
    errors { message }
  }
}
"""

CHECKOUT_DELETE_LINES = """
mutation CheckoutDeleteLines($checkoutId: ID!, $lineIds: [ID!]!) {
  checkoutLinesDelete(id: $checkoutId, linesIds: $lineIds) {
    checkout { id }
    errors { field code }
  }
}
"""

CHECKOUT_FIND = """
query CheckoutFind($id: ID!) {
  checkout(id: $id) {
    id
    email
    lines {
      id
      quantity
      totalPrice { gross { amount currency } }
      variant {
        product { id name slug thumbnail { url alt } category { name } }
        pricing { price { gross { amount currency } } }
        name
      }
    }
    totalPrice { gross { amount currency } }
  }
}
"""

CURRENT_USER = """
query CurrentUser {
  me {
    ...UserDetails
  }
}

fragment UserDetails on User {
  id
  email
  firstName
  lastName
  avatar { url alt }
}
"""

MENU_GET_BY_SLUG = """
fragment MenuItem on MenuItem {
  id
  name
  level
  category { id slug name }
  collection { id name slug }
  page { id title slug }
  url
}

query MenuGetBySlug($slug: String!) {
  menu(slug: $slug, channel: "default-channel") {
    items {
      ...MenuItem
      children { ...MenuItem }
    }
  }
}
"""

CHANNELS_LIST = """
query ChannelsList {
  channels {
    id
    name
    slug
    isActive
    currencyCode
    countries { country code }
  }
}
"""

PAGE_GET_BY_SLUG = """
query PageGetBySlug($slug: String!) {
  page(slug: $slug) {
    id
    slug
    title
    seoTitle
    seoDescription
    content
    pageType { slug }
  }
}
"""

# The current storefront's catalogue shapes (issue 13): product type, typed assigned attributes, paginated
# variants with selection attributes, `where:` filters, a variant by SKU. Written for this API's tests.
PRODUCT_ATTRIBUTE_DETAILS = """
query ProductAttributeDetails($slug: String!, $languageCode: LanguageCodeEnum!) {
  product(slug: $slug, channel: "default-channel") {
    id
    productType { slug }
    productVariants(first: 1) { totalCount }
    flag: assignedAttribute(slug: "bestseller") { ... on AssignedBooleanAttribute { value } }
    assignedAttributes(limit: 50) {
      attribute { name slug translation(languageCode: $languageCode) { name } }
      ... on AssignedPlainTextAttribute {
        plainText: value
        plainTextTranslation: translation(languageCode: $languageCode)
      }
      ... on AssignedBooleanAttribute { boolean: value }
      ... on AssignedNumericAttribute { numeric: value }
      ... on AssignedSingleChoiceAttribute {
        choice: value { name slug translation(languageCode: $languageCode) }
      }
      ... on AssignedMultiChoiceAttribute {
        choices: value { name slug translation(languageCode: $languageCode) }
      }
    }
  }
}
"""

SELECTION_VARIANT = """
fragment SelectionVariant on ProductVariant {
  id
  name
  sku
  quantityAvailable
  selectionAttributes: attributes(variantSelection: VARIANT_SELECTION) {
    attribute { name slug inputType translation(languageCode: $languageCode) { name } }
    values { name slug value translation(languageCode: $languageCode) { name } file { url } }
  }
  nonSelectionAttributes: attributes(variantSelection: NOT_VARIANT_SELECTION) {
    attribute { slug }
    values { name }
  }
  pricing { price { gross { amount currency } } }
}
"""

PRODUCT_VARIANTS_PAGE = (
    """
query ProductVariantsPage($slug: String!, $languageCode: LanguageCodeEnum!, $first: Int!, $after: String) {
  product(slug: $slug, channel: "default-channel") {
    id
    productVariants(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ...SelectionVariant } }
    }
  }
}
"""
    + SELECTION_VARIANT
)

VARIANT_BY_SKU = (
    """
query VariantBySku($id: ID, $sku: String, $languageCode: LanguageCodeEnum!) {
  productVariant(id: $id, sku: $sku, channel: "default-channel") {
    ...SelectionVariant
    product { id slug }
  }
}
"""
    + SELECTION_VARIANT
)

PRODUCT_LIST_WHERE = """
query ProductListWhere(
  $first: Int
  $after: String
  $sortBy: ProductOrder
  $filter: ProductFilterInput
  $where: ProductWhereInput
) {
  products(
    first: $first
    after: $after
    channel: "default-channel"
    sortBy: $sortBy
    filter: $filter
    where: $where
  ) {
    totalCount
    edges { node { slug created productVariants(first: 20) { totalCount } } cursor }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

CONTENT_PAGES = """
query ContentPages($slugs: [String!]!, $languageCode: LanguageCodeEnum!) {
  pages(channel: "default-channel", where: { slug: { oneOf: $slugs } }, first: 20) {
    totalCount
    edges { node {
      slug
      isPublished
      pageType { slug }
      assignedAttributes {
        attribute { slug }
        ... on AssignedPlainTextAttribute { text: value translated: translation(languageCode: $languageCode) }
        ... on AssignedSingleCollectionReferenceAttribute { collection: value { slug } }
        ... on AssignedFileAttribute { file: value { url } }
      }
    } }
  }
}
"""
