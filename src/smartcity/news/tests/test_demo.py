from smartcity.news import demo
from smartcity.news.models import Event, Post, Tag


def test_demo_is_idempotent_and_covers_both_cities(cities):
    demo.load()
    before = [(p.pk, p.published_at) for p in Post.objects.all()], Event.objects.count()
    demo.load()
    after = [(p.pk, p.published_at) for p in Post.objects.all()], Event.objects.count()
    assert before == after
    assert set(Post.objects.values_list("city__slug", flat=True)) == {"dortmund", "schwerte"}
    assert Event.objects.filter(category=Event.Category.PARTICIPATION).count() == 2
    assert Tag.objects.count() == 3
