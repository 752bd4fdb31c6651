from tests.conftest import GraphQLClient


def test_me_as_sponsor(gql: GraphQLClient, family):
    gql.login(family["user"])
    result = gql("{ me { username person { nameEn } sponsor { dependents { totalCount } } } }")
    assert result["data"]["me"]["person"]["nameEn"] == "Head Of Family"
    assert result["data"]["me"]["sponsor"]["dependents"]["totalCount"] == 4
