from django.urls import path

from gaoxin.ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("", views.home, name="home"),
    path("design/", views.design, name="design"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
    path("versions/<int:pk>/xlsform.xlsx", views.xlsform, name="xlsform"),
    path("design/sample.xlsx", views.xlsform_sample, name="xlsform_sample"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review, name="review"),
    path("board/", views.board, name="board"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("<slug:code>/fill/", views.fill, name="fill"),
    path("<slug:code>/template.xlsx", views.template, name="template"),
    path("<slug:code>/upload/", views.upload, name="upload"),
    path("<slug:code>/entries/", views.entries, name="entries"),
]
