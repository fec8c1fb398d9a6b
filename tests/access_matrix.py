"""The access-control matrix: every URL of the portal, the answer each actor gets.

One row per URL name and method. ``objects`` says which record of the test world
(tests/access_world.py) fills each argument of the URL (``pk=project``), ``-`` when it has none;
a ``+name`` there posts the payload ``PAYLOADS[name]`` instead of an empty form. The answers:

    200 400 403 404 405   that status
    login                 302 to the login page (the Location starts with it)
    302                   302 anywhere else (a role's home, the page after a successful action)
    -                     not requested (an allowed POST that would only start slow work)

The actors: anonymous, the roles (``security`` is the 安全管理员), the owning and a foreign
enterprise, a drawn and an undrawn expert, and ``root``, a superuser without a role (as
createsuperuser makes one), whom every role-guarded page refuses. test_access_matrix.py also runs
every line with each logged-in actor given the superuser flag, and expects the same answer: the
flag gives nothing.

Every URL needs a GET row; a URL whose view takes POST needs a POST row too. A POST from an
actor whose answer is login, 403, 404 or 405 must leave the database as it was. The admin site
has its own generic rule in test_access_matrix.py and no rows here.
"""

ACTORS = (
    "anon",
    "staff",
    "leader",
    "admin",
    "auditor",
    "owner",
    "foreign",
    "drawn",
    "undrawn",
    "security",
    "root",
    "town",
    "town_other",
)
# The rows below list the answers of the actors up to ``root``. The two 镇街科技员 (``town``: of the
# owning enterprise's town; ``town_other``: of another town) get ``root``'s answer — a logged-in
# account that no role-guarded page admits — except on the lines of TOWN_ANSWERS.
ROW_ACTORS = ACTORS[: ACTORS.index("root") + 1]
TOWN_ANSWERS = {
    ("home", "GET"): ("302", "302"),
    ("screening:town_home", "GET"): ("200", "200"),
    ("screening:town_application", "GET"): ("200", "404"),
    ("screening:town_application", "POST"): ("200", "404"),
    ("screening:recommendation_letter", "GET"): ("200", "404"),
    # the notification centre serves every role, the town's too (its own notifications only)
    ("notifications:centre", "GET"): ("200", "200"),
    ("notifications:read", "POST"): ("404", "404"),
    ("notifications:open", "POST"): ("404", "404"),
    ("notifications:read_all", "POST"): ("302", "302"),
    ("notifications:preferences", "GET"): ("200", "200"),
    ("notifications:preferences", "POST"): ("302", "302"),
}

PAYLOADS = {
    "resubmit": {"action": "resubmit"},
    "approve": {"action": "approve", "comment": "同意"},
    "decline": {"reason": "时间冲突", "decline": "1"},
    "respond": {"kind": "accepted"},
    "rate": {"timeliness": "5", "quality": "5"},
    "auto_link": {"action": "auto"},
    "summary": {"year": "2023", "format": "docx"},
    "delete": {"post": "yes"},
    "disable": {"active": "0"},
    "refuse": {"note": "非本企业人员"},
}

# fmt: off
ROWS = """
# url name                        method objects                        anon  staff leader admin auditor owner foreign drawn undrawn security root

# ---- the platform: log-in, homes, audit, security administration, health
home                              GET    -                              200   302   302    302   302     302   302     302   302     302      403
login                             GET    -                              200   302   302    302   302     302   302     302   302     302      302
login                             POST   -                              200   302   302    302   302     302   302     302   302     302      302
logout                            GET    -                              405   405   405    405   405     405   405     405   405     405      405
logout                            POST   -                              login login login  login login   login login   login login   login    login
accept_invitation                 GET    uidb64=uidb64,token=token      200   200   200    200   200     200   200     200   200     200      200
accept_invitation                 POST   uidb64=uidb64,token=token      200   200   200    200   200     200   200     200   200     200      200
password_change                   GET    -                              login 200   200    200   200     200   200     200   200     200      200
password_change                   POST   -                              login 200   200    200   200     200   200     200   200     200      200
password_change_done              GET    -                              login 200   200    200   200     200   200     200   200     200      200
staff_home                        GET    -                              login 200   403    200   403     403   403     403   403     403      403
enterprise_home                   GET    -                              login 403   403    403   403     200   200     403   403     403      403
expert_home                       GET    -                              login 403   403    403   403     403   403     302   302     403      403
leader_home                       GET    -                              login 403   302    403   403     403   403     403   403     403      403
audit_log                         GET    -                              login 403   403    403   200     403   403     403   403     403      403
site_search                       GET    -                              login 200   200    200   403     200   200     403   403     403      403
security                          GET    -                              login 403   403    403   403     403   403     403   403     200      403
security_unlock                   GET    pk=account                     405   405   405    405   405     405   405     405   405     405      405
security_unlock                   POST   pk=account                     login 403   403    403   403     403   403     403   403     302      403
security_active                   GET    pk=account                     405   405   405    405   405     405   405     405   405     405      405
security_active                   POST   pk=account,+disable            login 403   403    403   403     403   403     403   403     302      403
healthz                           GET    -                              200   200   200    200   200     200   200     200   200     200      200

# ---- 忘记密码, the second factor (admin, auditor and security need it), the captcha's picture
password_reset                    GET    -                              200   200   200    200   200     200   200     200   200     200      200
password_reset                    POST   -                              200   200   200    200   200     200   200     200   200     200      200
password_reset_done               GET    -                              200   200   200    200   200     200   200     200   200     200      200
password_reset_confirm            GET    uidb64=uidb64,token=token      200   200   200    200   200     200   200     200   200     200      200
password_reset_confirm            POST   uidb64=uidb64,token=token      200   200   200    200   200     200   200     200   200     200      200
password_reset_complete           GET    -                              200   200   200    200   200     200   200     200   200     200      200
two_factor                        GET    -                              login 200   200    200   200     200   200     200   200     200      200
otp_setup                         GET    -                              login 200   200    302   302     200   200     200   200     302      200
otp_setup                         POST   -                              login 200   200    302   302     200   200     200   200     302      200
otp_verify                        GET    -                              login 302   302    302   302     302   302     302   302     302      302
otp_verify                        POST   -                              login 302   302    302   302     302   302     302   302     302      302
otp_backup_codes                  GET    -                              login 302   302    200   200     302   302     302   302     200      302
otp_backup_codes                  POST   -                              login 302   302    302   302     302   302     302   302     302      302
otp_disable                       GET    -                              405   405   405    405   405     405   405     405   405     405      405
otp_disable                       POST   -                              login 302   302    302   302     302   302     302   302     302      302
captcha-image                     GET    key=captcha_key                200   200   200    200   200     200   200     200   200     200      200

# ---- enterprises: registration, the enterprise's own pages, review, the registry
enterprises:register              GET    -                              200   302   302    302   302     302   302     302   302     302      302
enterprises:register              POST   -                              200   302   302    302   302     302   302     302   302     302      302
enterprises:register_done         GET    -                              200   200   200    200   200     200   200     200   200     200      200
enterprises:profile               GET    -                              login 403   403    403   403     200   200     403   403     403      403
enterprises:profile               POST   -                              login 403   403    403   403     200   200     403   403     403      403
enterprises:my_applications       GET    -                              login 403   403    403   403     200   200     403   403     403      403
enterprises:application_new       GET    kind=kind                      login 403   403    403   403     200   200     403   403     403      403
enterprises:application_new       POST   kind=kind                      login 403   403    403   403     200   200     403   403     403      403
enterprises:precheck_live         GET    kind=kind                      405   405   405    405   405     405   405     405   405     405      405
enterprises:precheck_live         POST   kind=kind                      login 403   403    403   403     200   200     403   403     403      403
enterprises:application_detail    GET    pk=application                 login 200   403    200   403     200   404     403   403     403      403
enterprises:application_edit      GET    pk=application                 login 403   403    403   403     200   404     403   403     403      403
enterprises:application_edit      POST   pk=application                 login 403   403    403   403     200   404     403   403     403      403
enterprises:application_submit    GET    pk=application                 login 403   403    403   403     200   404     403   403     403      403
enterprises:application_submit    POST   pk=application                 login 403   403    403   403     302   404     403   403     403      403
enterprises:application_withdraw  GET    pk=submitted                   405   405   405    405   405     405   405     405   405     405      405
enterprises:application_withdraw  POST   pk=submitted                   login 403   403    403   403     302   404     403   403     403      403
enterprises:application_pdf       GET    pk=application                 login 200   403    200   403     200   404     403   403     403      403
enterprises:attachment_add        GET    pk=application                 405   405   405    405   405     405   405     405   405     405      405
enterprises:attachment_add        POST   pk=application                 login 403   403    403   403     400   404     403   403     403      403
enterprises:attachment_download   GET    pk=attachment                  login 200   403    200   403     200   404     403   403     403      403
enterprises:attachment_delete     GET    pk=attachment                  405   405   405    405   405     405   405     405   405     405      405
enterprises:attachment_delete     POST   pk=attachment                  login 403   403    403   403     302   404     403   403     403      403
enterprises:review_queue          GET    -                              login 200   403    200   403     403   403     403   403     403      403
enterprises:application_review    GET    pk=submitted                   405   405   405    405   405     405   405     405   405     405      405
enterprises:application_review    POST   pk=submitted,+approve          login 302   403    302   403     403   403     403   403     403      403
enterprises:application_override  GET    pk=submitted                   405   405   405    405   405     405   405     405   405     405      405
enterprises:application_override  POST   pk=submitted                   login 302   403    302   403     403   403     403   403     403      403
enterprises:application_scores    GET    pk=submitted                   405   405   405    405   405     405   405     405   405     405      405
enterprises:application_scores    POST   pk=submitted                   login 302   403    302   403     403   403     403   403     403      403
enterprises:account_requests      GET    -                              login 200   403    200   403     403   403     403   403     403      403
enterprises:account_activate      GET    pk=account_request             405   405   405    405   405     405   405     405   405     405      405
enterprises:account_activate      POST   pk=account_request             login 302   403    302   403     403   403     403   403     403      403
enterprises:account_decline       GET    pk=account_request             405   405   405    405   405     405   405     405   405     405      405
enterprises:account_decline       POST   pk=account_request             login 302   403    302   403     403   403     403   403     403      403
enterprises:account_licence       GET    pk=account_request             login 200   403    200   403     403   403     403   403     403      403
enterprises:account_authorization GET    pk=join_request                login 200   403    200   403     403   403     403   403     403      403
enterprises:join_approve          GET    pk=join_request                405   405   405    405   405     405   405     405   405     405      405
enterprises:join_approve          POST   pk=join_request                login 403   403    403   403     302   404     403   403     403      403
enterprises:join_decline          GET    pk=join_request                405   405   405    405   405     405   405     405   405     405      405
enterprises:join_decline          POST   pk=join_request,+refuse        login 403   403    403   403     302   404     403   403     403      403
enterprises:member_remove         GET    pk=colleague                   405   405   405    405   405     405   405     405   405     405      405
enterprises:member_remove         POST   pk=colleague                   login 403   403    403   403     302   404     403   403     403      403
enterprises:member_hand_over      GET    pk=colleague                   405   405   405    405   405     405   405     405   405     405      405
enterprises:member_hand_over      POST   pk=colleague                   login 403   403    403   403     302   404     403   403     403      403
enterprises:list                  GET    -                              login 200   200    200   403     403   403     403   403     403      403
enterprises:detail                GET    pk=enterprise                  login 200   200    200   403     403   403     403   403     403      403
enterprises:edit                  GET    pk=enterprise                  login 200   403    200   403     403   403     403   403     403      403
enterprises:edit                  POST   pk=enterprise                  login 200   403    200   403     403   403     403   403     403      403
enterprises:invite                GET    pk=enterprise                  405   405   405    405   405     405   405     405   405     405      405
enterprises:invite                POST   pk=enterprise                  login 302   403    302   403     403   403     403   403     403      403

# ---- projects: the public portal, calls, projects, the drawn expert's material
projects:portal                   GET    -                              200   200   200    200   200     200   200     200   200     200      200
projects:public_call              GET    pk=call                        200   200   200    200   200     200   200     200   200     200      200
projects:call_template            GET    pk=call                        200   200   200    200   200     200   200     200   200     200      200
projects:call_list                GET    -                              login 200   200    200   403     403   403     403   403     403      403
projects:call_add                 GET    -                              login 200   403    200   403     403   403     403   403     403      403
projects:call_add                 POST   -                              login 200   403    200   403     403   403     403   403     403      403
projects:call_detail              GET    pk=call                        login 200   403    200   403     403   403     403   403     403      403
projects:call_detail              POST   pk=call                        login 200   403    200   403     403   403     403   403     403      403
projects:apply                    GET    pk=call                        login 403   403    403   403     200   200     403   403     403      403
projects:apply                    POST   pk=call                        login 403   403    403   403     200   200     403   403     403      403
projects:my_projects              GET    -                              login 403   403    403   403     200   200     403   403     403      403
projects:draft                    GET    pk=draft                       login 403   403    403   403     200   404     403   403     403      403
projects:draft                    POST   pk=draft                       login 403   403    403   403     200   404     403   403     403      403
projects:draft_confirm            GET    pk=draft                       login 403   403    403   403     200   404     403   403     403      403
projects:draft_confirm            POST   pk=draft                       login 403   403    403   403     200   404     403   403     403      403
projects:draft_delete             GET    pk=draft                       405   405   405    405   405     405   405     405   405     405      405
projects:draft_delete             POST   pk=draft                       login 403   403    403   403     302   404     403   403     403      403
projects:draft_document           GET    pk=draft,doc_pk=draft_document login 403   403    403   403     200   404     403   403     403      403
projects:project_list             GET    -                              login 200   200    200   403     403   403     403   403     403      403
projects:commissioner_list        GET    -                              login 200   200    200   403     403   403     403   403     403      403
projects:detail                   GET    pk=project                     login 200   200    200   403     200   404     403   403     403      403
projects:detail                   POST   pk=returned,+resubmit          login 404   403    404   403     302   404     403   403     403      403
projects:document                 GET    pk=project,doc_pk=document     login 200   200    200   403     200   404     403   403     403      403
projects:task_book                GET    pk=project                     login 200   200    200   403     200   404     403   403     403      403
projects:task_book                POST   pk=project                     login 404   403    404   403     404   404     403   403     403      403
projects:task_book_pdf            GET    pk=project,version=call        login 404   404    404   403     404   404     403   403     403      403
projects:indicators               GET    pk=project                     login 200   200    200   403     200   404     403   403     403      403
projects:indicators               POST   pk=project                     login 404   403    404   403     404   404     403   403     403      403
projects:inspections              GET    pk=project                     login 200   200    200   403     403   403     403   403     403      403
projects:inspection_add           GET    pk=project                     login 200   403    200   403     403   403     403   403     403      403
projects:inspection_add           POST   pk=project                     login 200   403    200   403     403   403     403   403     403      403
projects:inspection_photo         GET    pk=project,photo_pk=document   login 404   404    404   403     403   403     403   403     403      403
projects:review_tasks             GET    -                              login 403   403    403   403     403   403     200   200     403      403
projects:review_material          GET    member_pk=member               login 403   403    403   403     403   403     200   404     403      403
projects:review_document          GET    member_pk=member,doc_pk=document login 403 403  403   403     403   403     200   404       403      403

# ---- patents
patents:list                      GET    -                              login 200   200    200   403     200   200     403   403     403      403
patents:detail                    GET    pk=patent                      login 200   200    200   403     200   404     403   403     403      403
patents:unlinked                  GET    -                              login 200   403    200   403     403   403     403   403     403      403
patents:unlinked                  POST   +auto_link                     login 302   403    302   403     403   403     403   403     403      403
patents:statistics                GET    -                              login 200   200    200   403     403   403     403   403     403      403
patents:dispute_list              GET    -                              login 200   200    200   403     403   403     403   403     403      403
patents:dispute_detail            GET    pk=dispute                     login 200   200    200   403     403   403     403   403     403      403
patents:activity_list             GET    -                              login 200   200    200   403     403   403     403   403     403      403

# ---- spreadsheet imports
imports:upload                    GET    -                              login 200   403    200   403     403   403     403   403     403      403
imports:upload                    POST   -                              login 200   403    200   403     403   403     403   403     403      403
imports:template                  GET    layout=layout                  login 200   403    200   403     403   403     403   403     403      403
imports:job                       GET    pk=import_job                  login 200   403    200   403     403   403     403   403     403      403
imports:job_progress              GET    pk=import_job                  login 200   403    200   403     403   403     403   403     403      403
imports:job_confirm               GET    pk=import_job                  405   405   405    405   405     405   405     405   405     405      405
imports:job_confirm               POST   pk=import_job                  login 302   403    302   403     403   403     403   403     403      403
imports:job_rerun                 GET    pk=import_job                  405   405   405    405   405     405   405     405   405     405      405
imports:job_rerun                 POST   pk=import_job                  login -     403    -     403     403   403     403   403     403      403

# ---- experts: the pool, draws, the expert's own review pages
experts:expert_list               GET    -                              login 200   403    200   403     403   403     403   403     403      403
experts:expert_invite             GET    pk=expert                      login 405   403    405   403     403   403     403   403     403      403
experts:expert_invite             POST   pk=expert                      login 302   403    302   403     403   403     403   403     403      403
experts:draw_list                 GET    -                              login 200   403    200   403     403   403     403   403     403      403
experts:draw_add                  GET    -                              login 200   403    200   403     403   403     403   403     403      403
experts:draw_add                  POST   -                              login 200   403    200   403     403   403     403   403     403      403
experts:draw_detail               GET    pk=draw                        login 200   403    200   403     403   403     403   403     403      403
experts:draw_verify               GET    pk=draw                        login 405   403    405   403     403   403     403   403     403      403
experts:draw_verify               POST   pk=draw                        login 302   403    302   403     403   403     403   403     403      403
experts:draw_pdf                  GET    pk=draw                        login 200   403    200   403     403   403     403   403     403      403
experts:member_respond            GET    pk=draw,member_pk=member       login 405   403    405   403     403   403     403   403     403      403
experts:member_respond            POST   pk=draw,member_pk=member,+respond login 302 403 302   403     403   403     403   403       403      403
experts:member_rate               GET    pk=draw,member_pk=member       login 405   403    405   403     403   403     403   403     403      403
experts:member_rate               POST   pk=draw,member_pk=member,+rate login 302   403    302   403     403   403     403   403     403      403
experts:my_reviews                GET    -                              login 403   403    403   403     403   403     200   200     403      403
experts:my_review                 GET    member_pk=member               login 403   403    403   403     403   403     200   404     403      403
experts:my_review                 POST   member_pk=member,+decline      login 403   403    403   403     403   403     200   404     403      403

# ---- earthquake safety
seismic:overview                  GET    -                              login 200   200    200   403     403   403     403   403     403      403
seismic:activity_list             GET    -                              login 200   200    200   403     403   403     403   403     403      403
seismic:activity_add              GET    -                              login 200   403    200   403     403   403     403   403     403      403
seismic:activity_add              POST   -                              login 200   403    200   403     403   403     403   403     403      403
seismic:activity_detail           GET    pk=activity                    login 200   200    200   403     403   403     403   403     403      403
seismic:activity_edit             GET    pk=activity                    login 200   403    200   403     403   403     403   403     403      403
seismic:activity_edit             POST   pk=activity                    login 200   403    200   403     403   403     403   403     403      403
seismic:photo_add                 GET    pk=activity                    login 200   403    200   403     403   403     403   403     403      403
seismic:photo_add                 POST   pk=activity                    login 200   403    200   403     403   403     403   403     403      403
seismic:photo_file                GET    pk=photo                       login 200   200    200   403     403   403     403   403     403      403
seismic:plan_list                 GET    -                              login 200   200    200   403     403   403     403   403     403      403
seismic:plan_add                  GET    -                              login 200   403    200   403     403   403     403   403     403      403
seismic:plan_add                  POST   -                              login 200   403    200   403     403   403     403   403     403      403
seismic:plan_detail               GET    pk=plan                        login 200   200    200   403     403   403     403   403     403      403
seismic:version_add               GET    pk=plan                        login 200   403    200   403     403   403     403   403     403      403
seismic:version_add               POST   pk=plan                        login 200   403    200   403     403   403     403   403     403      403
seismic:drill_add                 GET    pk=plan                        login 200   403    200   403     403   403     403   403     403      403
seismic:drill_add                 POST   pk=plan                        login 200   403    200   403     403   403     403   403     403      403
seismic:site_list                 GET    -                              login 200   200    200   403     403   403     403   403     403      403
seismic:site_add                  GET    -                              login 200   403    200   403     403   403     403   403     403      403
seismic:site_add                  POST   -                              login 200   403    200   403     403   403     403   403     403      403
seismic:site_detail               GET    pk=site                        login 200   200    200   403     403   403     403   403     403      403
seismic:site_edit                 GET    pk=site                        login 200   403    200   403     403   403     403   403     403      403
seismic:site_edit                 POST   pk=site                        login 200   403    200   403     403   403     403   403     403      403
seismic:inspection_add            GET    pk=site                        login 200   403    200   403     403   403     403   403     403      403
seismic:inspection_add            POST   pk=site                        login 200   403    200   403     403   403     403   403     403      403
seismic:point_list                GET    -                              login 200   200    200   403     403   403     403   403     403      403
seismic:point_add                 GET    -                              login 200   403    200   403     403   403     403   403     403      403
seismic:point_add                 POST   -                              login 200   403    200   403     403   403     403   403     403      403
seismic:point_edit                GET    pk=point                       login 200   403    200   403     403   403     403   403     403      403
seismic:point_edit                POST   pk=point                       login 200   403    200   403     403   403     403   403     403      403
seismic:report_add                GET    -                              login 200   403    200   403     403   403     403   403     403      403
seismic:report_add                POST   -                              login 200   403    200   403     403   403     403   403     403      403
seismic:report_check              GET    pk=report                      login 200   403    200   403     403   403     403   403     403      403
seismic:report_check              POST   pk=report                      login 200   403    200   403     403   403     403   403     403      403
seismic:station_list              GET    -                              login 200   200    200   403     403   403     403   403     403      403
seismic:station_add               GET    -                              login 200   403    200   403     403   403     403   403     403      403
seismic:station_add               POST   -                              login 200   403    200   403     403   403     403   403     403      403
seismic:station_edit              GET    pk=station                     login 200   403    200   403     403   403     403   403     403      403
seismic:station_edit              POST   pk=station                     login 200   403    200   403     403   403     403   403     403      403
seismic:milestone_add             GET    station_pk=station             login 200   403    200   403     403   403     403   403     403      403
seismic:milestone_add             POST   station_pk=station             login 200   403    200   403     403   403     403   403     403      403
seismic:milestone_edit            GET    station_pk=station,pk=milestone login 200  403    200   403     403   403     403   403     403      403
seismic:milestone_edit            POST   station_pk=station,pk=milestone login 200  403    200   403     403   403     403   403     403      403
seismic:team_list                 GET    -                              login 200   200    200   403     403   403     403   403     403      403

# ---- reports: dashboard, the annual summary, the staff's targets, honours and paragraphs
reports:dashboard                 GET    -                              login 200   200    200   403     403   403     403   403     403      403
reports:export_xlsx               GET    -                              login 200   200    200   403     403   403     403   403     403      403
reports:compute                   GET    -                              405   405   405    405   405     405   405     405   405     405      405
reports:compute                   POST   -                              login -     -      -     403     403   403     403   403     403      403
reports:summary                   GET    -                              login 200   200    200   403     403   403     403   403     403      403
reports:summary_start             GET    -                              405   405   405    405   405     405   405     405   405     405      405
reports:summary_start             POST   +summary                       login -     -      -     403     403   403     403   403     403      403
reports:summary_job               GET    pk=summary                     login 200   200    200   403     403   403     403   403     403      403
reports:summary_retry             GET    pk=summary                     405   405   405    405   405     405   405     405   405     405      405
reports:summary_retry             POST   pk=summary                     login 302   302    302   403     403   403     403   403     403      403
reports:summary_download          GET    pk=summary                     login 200   200    200   403     403   403     403   403     403      403
reports:manage                    GET    -                              login 200   403    200   403     403   403     403   403     403      403
reports:target_create             GET    -                              login 200   403    200   403     403   403     403   403     403      403
reports:target_create             POST   -                              login 200   403    200   403     403   403     403   403     403      403
reports:target_update             GET    pk=target                      login 200   403    200   403     403   403     403   403     403      403
reports:target_update             POST   pk=target                      login 200   403    200   403     403   403     403   403     403      403
reports:target_delete             GET    pk=target                      login 200   403    200   403     403   403     403   403     403      403
reports:target_delete             POST   pk=target,+delete              login 302   403    302   403     403   403     403   403     403      403
reports:honour_create             GET    -                              login 200   403    200   403     403   403     403   403     403      403
reports:honour_create             POST   -                              login 200   403    200   403     403   403     403   403     403      403
reports:honour_update             GET    pk=honour                      login 200   403    200   403     403   403     403   403     403      403
reports:honour_update             POST   pk=honour                      login 200   403    200   403     403   403     403   403     403      403
reports:honour_delete             GET    pk=honour                      login 200   403    200   403     403   403     403   403     403      403
reports:honour_delete             POST   pk=honour,+delete              login 302   403    302   403     403   403     403   403     403      403
reports:paragraph_create          GET    -                              login 200   403    200   403     403   403     403   403     403      403
reports:paragraph_create          POST   -                              login 200   403    200   403     403   403     403   403     403      403
reports:paragraph_update          GET    pk=paragraph                   login 200   403    200   403     403   403     403   403     403      403
reports:paragraph_update          POST   pk=paragraph                   login 200   403    200   403     403   403     403   403     403      403
reports:paragraph_delete          GET    pk=paragraph                   login 200   403    200   403     403   403     403   403     403      403
reports:paragraph_delete          POST   pk=paragraph,+delete           login 302   403    302   403     403   403     403   403     403      403

# ---- the notification centre: every role, each their own notifications only
notifications:centre              GET    -                              login 200   200    200   200     200   200     200   200     200      403
notifications:read                GET    pk=notification                405   405   405    405   405     405   405     405   405     405      405
notifications:read                POST   pk=notification                login 404   404    404   404     302   404     404   404     404      403
notifications:open                GET    pk=notification                405   405   405    405   405     405   405     405   405     405      405
notifications:open                POST   pk=notification                login 404   404    404   404     302   404     404   404     404      403
notifications:read_all            GET    -                              405   405   405    405   405     405   405     405   405     405      405
notifications:read_all            POST   -                              login 302   302    302   302     302   302     302   302     302      403
notifications:preferences         GET    -                              login 200   200    200   200     200   200     200   200     200      403
notifications:preferences         POST   -                              login 302   302    302   302     302   302     302   302     302      403
# ---- screening: 科研诚信 ledger, 查重, town recommendation (the town columns: TOWN_ANSWERS)
screening:integrity_list          GET    -                              login 200   403    200   403     403   403     403   403     403      403
screening:integrity_add           GET    -                              login 200   403    200   403     403   403     403   403     403      403
screening:integrity_add           POST   -                              login 200   403    200   403     403   403     403   403     403      403
screening:integrity_detail        GET    pk=integrity                   login 200   403    200   403     403   403     403   403     403      403
screening:integrity_detail        POST   pk=integrity                   login 200   403    200   403     403   403     403   403     403      403
screening:integrity_document      GET    pk=integrity                   login 200   403    200   403     403   403     403   403     403      403
screening:duplicate_list          GET    -                              login 200   403    200   403     403   403     403   403     403      403
screening:duplicate_pair          GET    pk=pair                        login 200   403    200   403     403   403     403   403     403      403
screening:duplicate_pair          POST   pk=pair                        login 200   403    200   403     403   403     403   403     403      403
screening:town_home               GET    -                              login 403   403    403   403     403   403     403   403     403      403
screening:town_application        GET    pk=town_project                login 403   403    403   403     403   403     403   403     403      403
screening:town_application        POST   pk=town_project                login 403   403    403   403     403   403     403   403     403      403
screening:recommendation_letter   GET    pk=recommended                 login 200   403    200   403     403   403     403   403     403      403
"""
# fmt: on

CODES = {"200", "302", "400", "403", "404", "405", "login", "-"}
# Answers that refuse the request: a POST answered so must change nothing.
REFUSALS = {"login", "403", "404", "405"}


class Row:
    """One line of the matrix: a URL name, a method, what fills the URL, and the answers."""

    def __init__(self, line: str):
        parts = line.split()
        self.name, self.method, objects = parts[:3]
        answers = parts[3:]
        if self.method not in ("GET", "POST"):
            raise ValueError(f"{self.name}: method {self.method!r}")
        if len(answers) != len(ROW_ACTORS) or not set(answers) <= CODES:
            raise ValueError(f"{self.name} {self.method}: answers {answers!r}")
        self.expected = dict(zip(ROW_ACTORS, answers, strict=True))
        town = TOWN_ANSWERS.get((self.name, self.method), (self.expected["root"],) * 2)
        self.expected.update(town=town[0], town_other=town[1])
        self.kwargs: dict[str, str] = {}
        self.payload: dict = {}
        for token in () if objects == "-" else objects.split(","):
            if token.startswith("+"):
                self.payload = PAYLOADS[token[1:]]
            else:
                argument, key = token.split("=")
                self.kwargs[argument] = key

    def __repr__(self) -> str:
        return f"{self.name} {self.method}"


MATRIX = [
    Row(line) for line in ROWS.splitlines() if line.strip() and not line.lstrip().startswith("#")
]
