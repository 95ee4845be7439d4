"""The pages, one module per concern: ``account`` (login, health check), ``work`` (each role's workbench, 督办),
``cases`` (the case list, the case page and its actions, attachments), ``dashboard`` (the operations dashboard and
its map data), ``public`` (the citizens' report and tracking pages). Views are thin: they parse the request, call a
service or a selector, and render; who may open a page is checked in the view (``web.access``), what may be done
to a case is the action policy's (``cases.policy``)."""
