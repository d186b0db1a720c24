from community.api import directory

urlpatterns = [
    # dir
    *directory.urlpatterns,
]
