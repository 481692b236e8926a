from django.urls import path

from outreach import views

app_name = "outreach"

# Mounted under /p/<slug>/.
urlpatterns = [
    path("network-map/", views.network_map, name="map"),
    path("network-map/table/", views.network_map_table, name="map-table"),
    path("network-map/arrange/", views.network_map_arrange, name="map-arrange"),
    path("partners/<uuid:code>/approach/", views.pack_detail, name="pack"),
    path("partners/<uuid:code>/approach/texts/", views.pack_texts_edit, name="pack-texts"),
    path("partners/<uuid:code>/approach/letter.pdf", views.pack_letter, name="pack-letter"),
    path("partners/<uuid:code>/approach/flyer.pdf", views.pack_flyer, name="pack-flyer"),
    path("partners/<uuid:code>/approach/tick/", views.step_tick, name="step-tick"),
    path("partners/<uuid:code>/approach/untick/", views.step_untick, name="step-untick"),
]
