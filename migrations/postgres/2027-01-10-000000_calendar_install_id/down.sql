DELETE FROM key_values WHERE key IN ('calendar.install_id', 'calendar.first_install_meeting');
