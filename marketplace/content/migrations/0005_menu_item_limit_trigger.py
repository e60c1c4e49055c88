"""A menu holds at most content.models.MENU_MAX_ITEMS items, in the database too: a trigger locks the menu
row (so concurrent inserts count one after another) and refuses the item past the limit."""

from django.db import migrations

MENU_MAX_ITEMS = 100  # content.models.MENU_MAX_ITEMS when this migration was written

CREATE = f"""
CREATE FUNCTION content_menuitem_refuse_past_limit() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.menu_id = OLD.menu_id THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM content_menu WHERE id = NEW.menu_id FOR UPDATE;
    IF (SELECT count(*) FROM content_menuitem WHERE menu_id = NEW.menu_id) >= {MENU_MAX_ITEMS} THEN
        RAISE EXCEPTION 'content_menu % holds {MENU_MAX_ITEMS} items already', NEW.menu_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER content_menuitem_limit BEFORE INSERT OR UPDATE OF menu_id ON content_menuitem
    FOR EACH ROW EXECUTE FUNCTION content_menuitem_refuse_past_limit();
"""
DROP = """
DROP TRIGGER IF EXISTS content_menuitem_limit ON content_menuitem;
DROP FUNCTION IF EXISTS content_menuitem_refuse_past_limit();
"""


class Migration(migrations.Migration):
    dependencies = [("content", "0004_page_menu_item_translations")]

    operations = [migrations.RunSQL(CREATE, DROP)]
