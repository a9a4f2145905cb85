/**
 * The default unsubscribe page, an eta template (`<%= %>` escapes, `<% %>` runs code). It reads
 * `it.email`, `it.actionUrl`, `it.notice`, `it.unsubscribedAll` and `it.groups` (`id`, `name`,
 * `description`, `unsubscribed`), as `UnsubscribePageView` describes them.
 */
export const DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Email preferences</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
form { margin: 1rem 0; }
button { font: inherit; padding: 0.4rem 1rem; cursor: pointer; }
.notice { padding: 0.6rem 1rem; background: #eef6ee; border: 1px solid #9c9; }
.group { border-top: 1px solid #ddd; padding-top: 0.5rem; }
</style>
</head>
<body>
<h1>Email preferences</h1>
<p>Preferences of <strong><%= it.email %></strong></p>
<% if (it.notice) { %>
<p class="notice" role="status"><%= it.notice %></p>
<% } %>
<% for (const group of it.groups) { %>
<div class="group">
<h2><%= group.name %></h2>
<% if (group.description) { %><p><%= group.description %></p><% } %>
<form method="post" action="<%= it.actionUrl %>">
<input type="hidden" name="group_id" value="<%= group.id %>">
<% if (group.unsubscribed) { %>
<p>You do not receive these emails.</p>
<button type="submit" name="action" value="resubscribe_group">Subscribe again</button>
<% } else { %>
<button type="submit" name="action" value="unsubscribe_group">Unsubscribe from these emails</button>
<% } %>
</form>
</div>
<% } %>
<div class="group">
<% if (it.unsubscribedAll) { %>
<p>You are unsubscribed from all emails of this sender.</p>
<% } else { %>
<form method="post" action="<%= it.actionUrl %>">
<button type="submit" name="action" value="unsubscribe_all">Unsubscribe from all emails</button>
</form>
<% } %>
</div>
</body>
</html>
`;
