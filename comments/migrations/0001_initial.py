
import comments.models
import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('equity_plan', '0001_initial'),
    ]

    operations = [
        # The insertion sequence behind Comment.sequence: newest-first ordering with no timestamp.
        migrations.RunSQL(
            "CREATE SEQUENCE comments_comment_sequence_seq AS bigint",
            "DROP SEQUENCE IF EXISTS comments_comment_sequence_seq",
        ),
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sequence', models.BigIntegerField(db_default=comments.models.NextValue('comments_comment_sequence_seq'), editable=False, unique=True, verbose_name='number')),
                ('body', models.TextField(max_length=5000, verbose_name='comment')),
                ('language', models.CharField(choices=[('en', 'English'), ('es', 'Español'), ('ar', 'العربية'), ('zh-hans', '简体中文'), ('vi', 'Tiếng Việt'), ('pt', 'Português'), ('ht', 'Kreyòl ayisyen')], max_length=10, verbose_name='language')),
                ('submitted_on', models.DateField(verbose_name='sent on')),
                ('status', models.CharField(choices=[('new', 'New'), ('in_review', 'In review'), ('answered', 'Answered'), ('closed', 'Closed')], default='new', max_length=10, verbose_name='status')),
                ('status_changed_on', models.DateField(verbose_name='status changed on')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='closed on')),
                ('identity_disclosed', models.BooleanField(default=False, verbose_name='identity disclosed')),
                ('disclosed_name', models.CharField(blank=True, max_length=200, verbose_name='name (disclosed)')),
                ('disclosed_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail (disclosed)')),
                ('disclosed_relationship', models.CharField(blank=True, choices=[('parent', 'Parent or caregiver'), ('student', 'Student'), ('staff', 'Staff member'), ('community', 'Community member')], max_length=20, verbose_name='relationship (disclosed)')),
                ('reply', models.TextField(blank=True, help_text='Shown to the writer on the receipt page, and e-mailed to them if they gave an address.', verbose_name='public reply')),
                ('replied_on', models.DateField(blank=True, null=True, verbose_name='replied on')),
                ('legal_hold', models.BooleanField(default=False, help_text='While set, this comment is not deleted.', verbose_name='legal hold')),
                ('receipt_hash', models.CharField(editable=False, max_length=64, unique=True)),
            ],
            options={
                'verbose_name': 'public comment',
                'verbose_name_plural': 'public comments',
                'ordering': ['-sequence'],
                'permissions': [('review_comment', 'Can review public comments')],
            },
        ),
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('workstream', models.ForeignKey(blank=True, help_text='Link this tag to the part of the equity plan it is about.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comment_tags', to='equity_plan.workstream', verbose_name='equity plan workstream')),
            ],
            options={
                'verbose_name': 'tag',
                'verbose_name_plural': 'tags',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Topic',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('is_open', models.BooleanField(default=True, verbose_name='open for comments')),
                ('legal_hold', models.BooleanField(default=False, help_text='While set, no comment on this topic is deleted.', verbose_name='legal hold')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position in the list')),
            ],
            options={
                'verbose_name': 'comment topic',
                'verbose_name_plural': 'comment topics',
                'ordering': ['position', 'name'],
            },
        ),
        migrations.CreateModel(
            name='CommentNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(verbose_name='note')),
                ('author_name', models.CharField(blank=True, editable=False, max_length=200, verbose_name='written by')),
                ('written_on', models.DateField(editable=False, verbose_name='written on')),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='comments.comment')),
            ],
            options={
                'verbose_name': 'internal note',
                'verbose_name_plural': 'internal notes',
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='comment',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='comments', to='comments.tag', verbose_name='tags'),
        ),
        migrations.AddField(
            model_name='comment',
            name='topic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comments', to='comments.topic', verbose_name='topic'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['status', '-sequence'], name='comment_status_seq_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['topic', '-sequence'], name='comment_topic_seq_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['language', '-sequence'], name='comment_language_seq_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['identity_disclosed', '-sequence'], name='comment_disclosed_seq_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('status', 'closed')), fields=['closed_on'], name='comment_closed_on_idx'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('identity_disclosed', True), models.Q(('disclosed_email', ''), ('disclosed_name', ''), ('disclosed_relationship', '')), _connector='OR'), name='comment_identity_only_when_disclosed'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_on__isnull', False), ('status', 'closed')), models.Q(models.Q(('status', 'closed'), _negated=True), ('closed_on__isnull', True)), _connector='OR'), name='comment_closed_on_only_when_closed'),
        ),
        migrations.AddConstraint(
            model_name='comment',
            constraint=models.CheckConstraint(condition=models.Q(('body', ''), _negated=True), name='comment_body_not_empty'),
        ),
        migrations.RunSQL(
            "ALTER SEQUENCE comments_comment_sequence_seq OWNED BY comments_comment.sequence",
            migrations.RunSQL.noop,
        ),
    ]
