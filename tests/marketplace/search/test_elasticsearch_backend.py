"""The Elasticsearch backend without a server: the index definition, the documents it indexes (read from
PostgreSQL through the visibility selector) and the request bodies it sends, all checked exactly. With a
server (ELASTICSEARCH_URL) the contract suite, test_backend_contract.py, runs the same searches for real."""

import datetime
import time

import pytest

from marketplace.search.backends.base import SearchFilters, SearchQuery
from marketplace.search.backends.elasticsearch import (
    FACETS,
    ElasticsearchBackend,
    alias_name,
    build_search,
    facets_from_response,
    product_documents,
    product_index,
)
from tests.factories import CertificationFactory, ModerationFactory, ProducerFactory, visible_product

TODAY = datetime.date(2026, 11, 22)
MATCH_FIELDS = ["name", "description", "producer_name", "province_words", "category_name"]
PRODUCER_FIELDS = ["producer_name", "province_words"]


def test_index_settings_analyzers_and_mapping(settings):
    settings.ELASTICSEARCH_REPLICAS = 1
    assert product_index("ocop-products-20261122").to_dict() == {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 1,
            "refresh_interval": "1s",
            "analysis": {
                "filter": {
                    "vi_folding": {"type": "asciifolding", "preserve_original": True},
                    "vi_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
                },
                "analyzer": {
                    "vi_text": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase", "vi_folding"],
                    },
                    "vi_prefix": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase", "vi_folding", "vi_edge_ngram"],
                    },
                },
            },
        },
        "mappings": {
            "properties": {
                "product_id": {"type": "long"},
                "name": {
                    "type": "text",
                    "analyzer": "vi_text",
                    "fields": {
                        "prefix": {"type": "text", "analyzer": "vi_prefix", "search_analyzer": "vi_text"}
                    },
                },
                "description": {"type": "text", "analyzer": "vi_text"},
                "producer_name": {
                    "type": "text",
                    "analyzer": "vi_text",
                    "fields": {
                        "prefix": {"type": "text", "analyzer": "vi_prefix", "search_analyzer": "vi_text"}
                    },
                },
                "province_words": {"type": "text", "analyzer": "vi_text"},
                "category_name": {"type": "text", "analyzer": "vi_text"},
                "producer_id": {"type": "long"},
                "kind": {"type": "keyword"},
                "province": {"type": "keyword"},
                "category_id": {"type": "long"},
                "stars": {"type": "integer"},
                "valid_until": {"type": "date"},
                "price": {"type": "long"},
                "in_stock": {"type": "boolean"},
                "created_at": {"type": "date"},
                "rating": {"type": "float"},
                "rating_count": {"type": "integer"},
            }
        },
    }


def test_alias_and_index_names(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "ocop"
    assert alias_name() == "ocop-products"
    backend = ElasticsearchBackend(client=object(), prefix="staging")
    assert backend.alias == "staging-products"
    name = backend.new_index_name()
    assert name.startswith("staging-products-") and name.removeprefix("staging-products-").isdigit()


def test_search_body_text_filters_facets_sort_and_page():
    query = SearchQuery(
        text="Cà phê",
        filters=SearchFilters(stars=(5, 4), provinces=("son-la",), producer_ids=(7,), in_stock=True),
        sort="price",
        offset=24,
        limit=24,
    )
    body = build_search(query, index="ocop-products", today=TODAY).to_dict()
    stars = {"terms": {"stars": [4, 5]}}
    province = {"terms": {"province": ["son-la"]}}
    stock = {"term": {"in_stock": True}}

    def only(*clauses):
        return {"bool": {"filter": list(clauses)}}

    assert body == {
        "query": {
            "bool": {
                "filter": [
                    {"range": {"valid_until": {"gte": "2026-11-22"}}},
                    {"terms": {"producer_id": [7]}},
                ],
                "must": [
                    {
                        "bool": {
                            # Every word must match somewhere; the last one may be a prefix (as-you-type).
                            "filter": [
                                {"multi_match": {"query": "ca", "fields": MATCH_FIELDS}},
                                {
                                    "bool": {
                                        "minimum_should_match": 1,
                                        "should": [
                                            {"multi_match": {"query": "phe", "fields": MATCH_FIELDS}},
                                            {
                                                "multi_match": {
                                                    "query": "phe",
                                                    "fields": ["name.prefix", "producer_name.prefix"],
                                                }
                                            },
                                        ],
                                    }
                                },
                            ],
                            # Score: 10 per word in the name, 3 per word in the producer.
                            "should": [
                                {"constant_score": {"filter": {"match": {"name": "ca"}}, "boost": 10.0}},
                                {
                                    "constant_score": {
                                        "filter": {"multi_match": {"query": "ca", "fields": PRODUCER_FIELDS}},
                                        "boost": 3.0,
                                    }
                                },
                                {
                                    "constant_score": {
                                        "filter": {
                                            "bool": {
                                                "minimum_should_match": 1,
                                                "should": [
                                                    {"match": {"name": "phe"}},
                                                    {"match": {"name.prefix": "phe"}},
                                                ],
                                            }
                                        },
                                        "boost": 10.0,
                                    }
                                },
                                {
                                    "constant_score": {
                                        "filter": {
                                            "multi_match": {"query": "phe", "fields": PRODUCER_FIELDS}
                                        },
                                        "boost": 3.0,
                                    }
                                },
                            ],
                        }
                    }
                ],
            }
        },
        # The shopper's filters narrow the hits, not the facets: each facet ignores its own filter.
        "post_filter": only(stars, province, stock),
        "aggs": {
            "stars": {
                "filter": only(province, stock),
                "aggs": {"values": {"terms": {"field": "stars", "size": 10}}},
            },
            "province": {
                "filter": only(stars, stock),
                "aggs": {"values": {"terms": {"field": "province", "size": 100}}},
            },
            "category": {
                "filter": only(stars, province, stock),
                "aggs": {"values": {"terms": {"field": "category_id", "size": 500}}},
            },
            "kind": {
                "filter": only(stars, province, stock),
                "aggs": {"values": {"terms": {"field": "kind", "size": 10}}},
            },
            "in_stock": {"filter": only(stars, province, stock)},
        },
        "sort": [{"price": {"order": "asc", "missing": "_last"}}, {"product_id": "asc"}],
        "track_total_hits": True,
        "from": 24,
        "size": 24,
        "_source": False,
    }


def test_search_body_without_text_or_filters():
    body = build_search(SearchQuery(), index="ocop-products", today=TODAY).to_dict()
    everything = {"match_all": {}}
    assert body == {
        "query": {"bool": {"filter": [{"range": {"valid_until": {"gte": "2026-11-22"}}}]}},
        "aggs": {
            "stars": {"filter": everything, "aggs": {"values": {"terms": {"field": "stars", "size": 10}}}},
            "province": {
                "filter": everything,
                "aggs": {"values": {"terms": {"field": "province", "size": 100}}},
            },
            "category": {
                "filter": everything,
                "aggs": {"values": {"terms": {"field": "category_id", "size": 500}}},
            },
            "kind": {"filter": everything, "aggs": {"values": {"terms": {"field": "kind", "size": 10}}}},
            "in_stock": {"filter": {"bool": {"filter": [{"term": {"in_stock": True}}]}}},
        },
        "sort": ["_score", {"stars": "desc"}, {"created_at": "desc"}, {"product_id": "desc"}],
        "track_total_hits": True,
        "from": 0,
        "size": 24,
        "_source": False,
    }


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", ["_score", {"stars": "desc"}, {"created_at": "desc"}, {"product_id": "desc"}]),
        ("newest", [{"created_at": "desc"}, {"product_id": "desc"}]),
        ("-price", [{"price": {"order": "desc", "missing": "_last"}}, {"product_id": "asc"}]),
        ("stars", [{"stars": "desc"}, "_score", {"created_at": "desc"}, {"product_id": "desc"}]),
        (
            "rating",
            [
                {"rating": {"order": "desc", "missing": "_last", "unmapped_type": "float"}},
                {"rating_count": {"order": "desc", "unmapped_type": "integer"}},
                {"stars": "desc"},
                {"product_id": "desc"},
            ],
        ),
        ("no-such-sort", ["_score", {"stars": "desc"}, {"created_at": "desc"}, {"product_id": "desc"}]),
    ],
)
def test_sorts_break_ties_like_postgres(sort, expected):
    assert build_search(SearchQuery(sort=sort), index="i", today=TODAY).to_dict()["sort"] == expected


def test_price_range_filter_and_near_match_pass():
    query = SearchQuery(text="ca phe son lla", filters=SearchFilters(price_min=100_000, price_max=200_000))
    body = build_search(query, index="i", today=TODAY, fuzzy=True).to_dict()
    assert body["post_filter"] == {
        "bool": {"filter": [{"range": {"price": {"gte": 100_000, "lte": 200_000}}}]}
    }
    fuzzy_fields = ["name", "producer_name", "province_words"]
    matching = body["query"]["bool"]["must"][0]["bool"]["filter"]
    # Four words: each within an edit distance, and one of them may be missing.
    assert matching == [
        {
            "bool": {
                "minimum_should_match": 3,
                "should": [
                    {"multi_match": {"query": word, "fields": fuzzy_fields, "fuzziness": "AUTO"}}
                    for word in ["ca", "phe", "son", "lla"]
                ],
            }
        }
    ]
    name_scores = body["query"]["bool"]["must"][0]["bool"]["should"][::2]
    assert name_scores[3] == {
        "constant_score": {
            "filter": {"match": {"name": {"query": "lla", "fuzziness": "AUTO"}}},
            "boost": 10.0,
        }
    }


def test_facets_are_read_with_the_postgres_backend_keys():
    def terms(*pairs):
        return {"doc_count": 0, "values": {"buckets": [{"key": k, "doc_count": n} for k, n in pairs]}}

    aggregations = {
        "stars": terms((4, 3), (5, 1)),
        "province": terms(("son-la", 2), ("tuyen-quang", 1)),
        "category": terms((2, 4)),
        "kind": terms(("cooperative", 3), ("company", 1)),
        "in_stock": {"doc_count": 4},
    }
    assert facets_from_response(aggregations) == {
        "stars": {4: 3, 5: 1},
        "province": {"son-la": 2, "tuyen-quang": 1},
        "category": {2: 4},
        "kind": {"cooperative": 3, "company": 1},
        "in_stock": {"true": 4},
    }
    assert tuple(facets_from_response({**aggregations, "in_stock": {"doc_count": 0}})) == FACETS
    assert facets_from_response({**aggregations, "in_stock": {"doc_count": 0}})["in_stock"] == {}


@pytest.mark.django_db
def test_documents_hold_only_visible_products_exactly():
    producer = ProducerFactory(name="HTX Cà phê Bích Thao", province="son-la", kind="cooperative")
    coffee = visible_product(
        name="Cà phê Arabica Sơn La",
        producer=producer,
        description="<p>Rang <strong>mộc</strong> &amp; xay</p><p>Gói 500g</p>",
        stars=5,
        price=185_000,
        quantity=0,
    )
    hidden = visible_product(producer=producer)
    ModerationFactory(product=hidden)
    uncertified = visible_product(producer=producer)
    uncertified.certifications.all().delete()
    certification = coffee.certifications.get()

    documents = list(product_documents([coffee.pk, hidden.pk, uncertified.pk, 999_999]))

    assert documents == [
        {
            "product_id": coffee.pk,
            "name": "Cà phê Arabica Sơn La",
            "description": "Rang mộc & xay Gói 500g",
            "producer_name": "HTX Cà phê Bích Thao",
            "province_words": "son la",
            "category_name": "Đồ uống",
            "producer_id": producer.pk,
            "kind": "cooperative",
            "province": "son-la",
            "category_id": coffee.category_id,
            "stars": 5,
            "valid_until": certification.valid_until.isoformat(),
            "price": 185_000,
            "in_stock": False,
            "created_at": coffee.created_at.isoformat(),
            "rating": None,
            "rating_count": 0,
        }
    ]
    assert [doc["product_id"] for doc in product_documents()] == [coffee.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 30])
def test_documents_are_read_in_a_constant_number_of_queries(count, django_assert_num_queries):
    products = [visible_product() for _ in range(count)]
    for product in products[::2]:
        CertificationFactory(product=product, stars=3, state="superseded")
    # The visible ids, then one flat query per batch.
    with django_assert_num_queries(2):
        documents = list(product_documents([p.pk for p in products], batch_size=500))
    assert len(documents) == count


@pytest.mark.django_db
def test_bulk_actions_write_every_target_index_with_read_versions():
    """What index_products sends (to the live index and, during a rebuild, the one being built): visible
    products indexed, the others deleted, every write versioned by when its data was read."""
    shown = visible_product()
    hidden = visible_product()
    ModerationFactory(product=hidden)
    backend = ElasticsearchBackend(client=object(), prefix="t")
    before = time.time_ns() // 1000

    actions = list(backend.index_actions(["t-products-1", "t-products-2"], [hidden.pk, shown.pk, 999_999]))

    versions = {action.pop("_version") for action in actions}
    assert len(versions) == 2 and all(before <= v <= time.time_ns() // 1000 for v in versions)
    assert [(a["_op_type"], a["_index"], a["_id"], a["_version_type"]) for a in actions] == [
        ("index", "t-products-1", shown.pk, "external_gte"),
        ("index", "t-products-2", shown.pk, "external_gte"),
        ("delete", "t-products-1", hidden.pk, "external_gte"),
        ("delete", "t-products-2", hidden.pk, "external_gte"),
        ("delete", "t-products-1", 999_999, "external_gte"),
        ("delete", "t-products-2", 999_999, "external_gte"),
    ]
    assert actions[0]["_source"]["product_id"] == shown.pk
    assert backend.building_alias == "t-products-building"


@pytest.mark.django_db
def test_documents_carry_the_buyers_rating():
    from tests.factories import UserFactory
    from tests.factories.reviews import reviewed

    product = visible_product(quantity=20)
    for stars in (5, 4):
        reviewed(buyer=UserFactory(), stars=stars, variant=product.variants.get())
    (document,) = product_documents([product.pk])
    assert (document["rating"], document["rating_count"]) == (4.5, 2)


def test_near_matches_are_capped_to_the_best_few_ids():
    """The tolerant pass keeps only the ids its first, capped request ranked best (SEARCH_NEAR_MATCHES)."""
    query = SearchQuery(text="che xanh son la qwzx")
    body = build_search(query, index="i", today=TODAY, fuzzy=True, only_ids=[7, 3]).to_dict()
    assert body["query"]["bool"]["filter"] == [
        {"range": {"valid_until": {"gte": TODAY.isoformat()}}},
        {"ids": {"values": ["7", "3"]}},
    ]
