"""The reference site's one app: home, standard and blog pages, people and the footer, as in bakerydemo."""
