-- Where a meeting is held online: the video link its calendar event got.
ALTER TABLE meetings ADD COLUMN video_link TEXT;
