"""Producer portal (issue 7)."""

app_name = "seller"
urlpatterns: list = []
