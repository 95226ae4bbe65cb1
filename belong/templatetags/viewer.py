"""`{% viewer_part "name" %}...{% endviewer_part %}`: what only this viewer sees, in a page that may be shared.

On an ordinary render the contents render as usual. While belong.shared_pages renders a page once for
many viewers, the contents are not rendered: the part leaves a slot and its nodes, and each request
renders them with that viewer's own request, user, messages and CSRF token (belong.shared_pages.finish).
Inside a part only the viewer's context is available (request, user, messages, csrf_token, language,
site_settings), not the page's: a part must not depend on the page's own variables.
"""

from __future__ import annotations

from django import template

from belong.shared_pages import RENDERING, slot

register = template.Library()


class ViewerPartNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        page = context.get(RENDERING)
        if page is None:
            return self.nodelist.render(context)
        page.parts[self.name] = self.nodelist
        return slot(self.name)


@register.tag
def viewer_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% viewer_part "name" %}...{% endviewer_part %}')
    nodelist = parser.parse(("endviewer_part",))
    parser.delete_first_token()
    return ViewerPartNode(bits[1][1:-1], nodelist)
